import { createApp } from 'vue'
import { provideGlobalConfig } from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
// Element Plus components come with their own CSS where a template uses them (vite.config.ts);
// the ones called from scripts (messages, confirmations) are styled here.
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import './style.css'
import App from './App.vue'
import { router } from './router'

const app = createApp(App).use(router)
provideGlobalConfig({ locale: zhCn }, app, true)
app.mount('#app')

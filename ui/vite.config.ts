import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

// Everything is bundled into dist/ (no CDN): the app runs offline. Element Plus is imported per
// component (with its CSS) where a template uses it, so the first screen loads only what it shows.
export default defineConfig({
  plugins: [vue(), Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false })],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: { target: 'safari13', chunkSizeWarningLimit: 2000, outDir: 'dist', emptyOutDir: true },
})

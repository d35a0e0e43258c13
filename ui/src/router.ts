import { createRouter, createWebHashHistory } from 'vue-router'

export const screens = [
  { path: '/intake', title: '前台登记', key: 'Alt+1', component: () => import('./views/Intake.vue') },
  { path: '/complaints', title: '投诉台账', key: 'Alt+2', component: () => import('./views/Complaints.vue') },
  { path: '/slips', title: '协调单', key: 'Alt+3', component: () => import('./views/Slips.vue') },
  { path: '/repairs', title: '报修派工', key: 'Alt+4', component: () => import('./views/Repairs.vue') },
  { path: '/followups', title: '回访', key: 'Alt+5', component: () => import('./views/Followups.vue') },
  { path: '/customers', title: '客户档案', key: 'Alt+6', component: () => import('./views/Customers.vue') },
  { path: '/export', title: '统计与导出', key: 'Alt+7', component: () => import('./views/Export.vue') },
  { path: '/settings', title: '设置', key: 'Alt+8', component: () => import('./views/Settings.vue') },
  { path: '/rules', title: '价目表与日历', key: 'Alt+9', supervisor: true, component: () => import('./views/Rules.vue') },
  { path: '/duty', title: '值班与交接班', key: 'Alt+D', component: () => import('./views/Duty.vue') },
  { path: '/visits', title: '住户回访', key: 'Alt+V', component: () => import('./views/HouseholdVisits.vue') },
  { path: '/claims', title: '赔付', key: 'Alt+P', component: () => import('./views/Claims.vue') },
  { path: '/attention', title: '待关注', key: 'Alt+0', supervisor: true, component: () => import('./views/Attention.vue') },
]

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', redirect: '/intake' },
    ...screens.map((s) => ({ path: s.path, component: s.component, meta: { title: s.title } })),
    { path: '/complaints/:id', component: () => import('./views/ComplaintPage.vue'), meta: { title: '投诉详情' } },
  ],
})

import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// Everything is bundled into dist/ (no CDN): the app runs offline.
export default defineConfig({
  plugins: [vue()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: { target: 'safari13', chunkSizeWarningLimit: 2000, outDir: 'dist', emptyOutDir: true },
})

// The background: thin wiring. Listeners and what each does live in lib/background/ (listeners.ts is the index).
import { onWorkerStart, registerListeners } from '@/lib/background/listeners';

export default defineBackground(() => {
  registerListeners();
  onWorkerStart();
});

import { render } from 'preact';
import { App, startPopupSources } from '@/components/App';
import '@/components/popup.css';

// The storage reads start before anything renders; the popup renders once, with everything (or after 1 s,
// showing what it has: a read that never answers must not leave the popup blank).
const sources = startPopupSources();
const show = () => render(<App sources={sources} />, document.getElementById('app') as HTMLElement);
void Promise.race([sources.ready, new Promise((r) => setTimeout(r, 1000))]).then(show);

import { render } from 'preact';
import { OptionsApp } from '@/components/options/OptionsApp';
import '@/components/popup.css';
import '@/components/options.css';

render(<OptionsApp />, document.getElementById('app') as HTMLElement);

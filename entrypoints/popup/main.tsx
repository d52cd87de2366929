import { render } from 'preact';

function App() {
  return <main>AWS SAML Bridge</main>;
}

render(<App />, document.getElementById('app')!);

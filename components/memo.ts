/**
 * `memo` without preact/compat (which would add its whole React layer to the popup): re-render a function
 * component only when a prop changed identity. Preact calls function components with the instance as `this`.
 */
import { h, type Component, type FunctionComponent } from 'preact';

function shallowEqual(a: object, b: object): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => (a as Record<string, unknown>)[k] === (b as Record<string, unknown>)[k]);
}

export function memo<P extends object>(component: FunctionComponent<P>): FunctionComponent<P> {
  function shouldComponentUpdate(this: Component<P>, next: P): boolean {
    return !shallowEqual(this.props, next);
  }
  function Memoed(this: Component<P>, props: P) {
    this.shouldComponentUpdate = shouldComponentUpdate;
    return h(component, props);
  }
  return Memoed as FunctionComponent<P>;
}

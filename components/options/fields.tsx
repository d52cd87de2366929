/** Small building blocks of the options page: the locked note, and text fields that save only valid values. */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

/** Shown next to a value the organisation set; the control itself is disabled. */
export function LockedNote({ path }: { path: string }) {
  return (
    <span class="locked-note" data-testid="locked-note" data-path={path}>
      Set by your organisation
    </span>
  );
}

interface ValidatedInputProps {
  id?: string;
  /** The stored value; the field follows it unless the user is typing in it. */
  value: string;
  /** An error message for `text`, or undefined when it can be saved. */
  validate: (text: string) => string | undefined;
  /** Saves a valid text (called on every valid edit, so nothing is lost when the page closes). */
  onCommit: (text: string) => void;
  disabled?: boolean;
  testId: string;
  placeholder?: string;
  ariaLabel?: string;
  describedBy?: string;
  type?: 'text' | 'number';
  list?: string;
  class?: string;
  /** For number inputs. */
  min?: number;
  max?: number;
  spellcheck?: boolean;
}

/** A text input that shows why a value cannot be saved, right under it, and saves it as soon as it can. */
export function ValidatedInput(props: ValidatedInputProps) {
  const { value, validate, onCommit, testId } = props;
  const [draft, setDraft] = useState(value);
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // Another page (or an import) changed the value: show it, unless the user is editing this very field.
    if (ref.current !== document.activeElement) setDraft(value);
  }, [value]);
  const error = props.disabled ? undefined : validate(draft);
  const errorId = props.id ? `${props.id}-error` : undefined;
  return (
    <span class="validated">
      <input
        ref={ref}
        id={props.id}
        class={props.class ?? 'text'}
        type={props.type ?? 'text'}
        list={props.list}
        min={props.min}
        max={props.max}
        spellcheck={props.spellcheck ?? false}
        autocomplete="off"
        data-testid={testId}
        value={props.disabled ? value : draft}
        placeholder={props.placeholder}
        disabled={props.disabled}
        aria-label={props.ariaLabel}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={[props.describedBy, error ? errorId : undefined].filter(Boolean).join(' ') || undefined}
        onInput={(e) => {
          const text = e.currentTarget.value;
          setDraft(text);
          if (!validate(text) && text !== value) onCommit(text);
        }}
      />
      {error && (
        <span id={errorId} class="field-error" role="alert" data-testid={`${testId}-error`}>
          {error}
        </span>
      )}
    </span>
  );
}

/** A titled block of the page. */
export function Section({ id, title, children, intro }: { id: string; title: string; intro?: ComponentChildren; children: ComponentChildren }) {
  return (
    <section class="card" aria-labelledby={`${id}-title`} data-testid={`section-${id}`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {intro && <p class="hint">{intro}</p>}
      {children}
    </section>
  );
}

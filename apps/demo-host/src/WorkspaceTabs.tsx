import { type KeyboardEvent, type ReactNode, useEffect, useId, useState } from 'react';

/** One tab of {@link WorkspaceTabs}: its label, the address fragment it keeps, its content. */
export interface WorkspaceTab {
  id: string;
  label: string;
  content: ReactNode;
}

const fromHash = (tabs: readonly WorkspaceTab[]) =>
  tabs.find((tab) => `#${tab.id}` === window.location.hash)?.id ?? tabs[0]!.id;

/**
 * The remote-training section's tabs (Dashboard first, as the default view), as the ARIA
 * tabs pattern has them: arrow keys move between tabs, the chosen one is kept in the
 * address (`#training`), so a reload comes back to it. Every panel stays mounted (hidden),
 * so a job started in one keeps its view in the others.
 */
export function WorkspaceTabs({ tabs, label }: { tabs: readonly WorkspaceTab[]; label: string }) {
  const [selected, setSelected] = useState(() => fromHash(tabs));
  const base = useId();
  const ids = tabs.map((tab) => tab.id).join(' ');
  // biome-ignore lint/correctness/useExhaustiveDependencies: the tabs' ids say when to listen again.
  useEffect(() => {
    const follow = () => setSelected(fromHash(tabs));
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, [ids]);
  const choose = (id: string) => {
    setSelected(id);
    window.history.replaceState(null, '', `#${id}`);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    const at = tabs.findIndex((tab) => tab.id === selected);
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    const next = tabs[(at + step + tabs.length) % tabs.length]!;
    choose(next.id);
    document.getElementById(`${base}-tab-${next.id}`)?.focus();
  };
  return (
    <div className="demo-tabs">
      <div role="tablist" aria-label={label} className="demo-tablist">
        {tabs.map((tab) => (
          <button
            key={tab.id}
            type="button"
            role="tab"
            id={`${base}-tab-${tab.id}`}
            aria-selected={tab.id === selected}
            aria-controls={`${base}-panel-${tab.id}`}
            tabIndex={tab.id === selected ? 0 : -1}
            onClick={() => choose(tab.id)}
            onKeyDown={onKeyDown}
          >
            {tab.label}
          </button>
        ))}
      </div>
      {tabs.map((tab) => (
        <div
          key={tab.id}
          role="tabpanel"
          id={`${base}-panel-${tab.id}`}
          aria-labelledby={`${base}-tab-${tab.id}`}
          hidden={tab.id !== selected}
          className="demo-tabpanel"
        >
          {tab.content}
        </div>
      ))}
    </div>
  );
}

/** Mount point of the Inspect view (built on the feat/ui-inspect branch, which replaces this). */
export const InspectPanel = () => <p data-testid="inspect.placeholder">Inspect: coming soon.</p>;

/** Mount point of the Compare view (built on the feat/ui-inspect branch, which replaces this). */
export const ComparePanel = () => <p data-testid="compare.placeholder">Compare: coming soon.</p>;

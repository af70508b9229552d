// The baseline measured in the same run: React and ReactDOM's client alone.
export { createElement } from 'react';
export { createRoot } from 'react-dom/client';

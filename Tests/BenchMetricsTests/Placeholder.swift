// Placeholder so the package resolves while this target is written; delete once real files exist.

-- Integrity of a snapshot about to be restored: 'ok', else the first problems found. quick_check
-- reads every page (O(size)) but skips the index-content cross-checks of integrity_check.
PRAGMA quick_check(5)

/**
 * Limits that keep hostile or accidental input from exhausting memory or time. They are far
 * above any real topology (the benchmark's 100,000 resources fit) and far below what would
 * hurt.
 */
export const LIMITS = {
  /**
   * Characters in a YAML document: some 600,000 small resources. A plain document (no
   * anchors, aliases, tags) is read by the fast parse, which holds about 8 bytes per
   * character; this keeps it under about 300 MB.
   */
  maxDocumentChars: 32 * 1024 * 1024,
  /**
   * Characters up to which a document may take the positional parse (issue locations,
   * anchors, aliases, tags): about 80,000 small resources. That parser holds some 150 bytes
   * per character at peak, so this keeps it under about 700 MB. A larger document must be
   * plain YAML, and its issues carry paths without line and column.
   */
  maxPositionalChars: 4 * 1024 * 1024,
  /** Characters in any one string value or map key. */
  maxStringChars: 4096,
  /** Items in any one list, entries in any one map. */
  maxListItems: 200_000,
  /** Nesting depth of maps and lists. */
  maxDepth: 32,
  /** Values (maps, lists, scalars) in the whole document. */
  maxNodes: 5_000_000,
  /** Times the YAML parser may resolve aliases; above it the document is an alias bomb. */
  maxAliasCount: 100,
  /** Issues reported before the validator stops collecting more. */
  maxIssues: 1000,
} as const;

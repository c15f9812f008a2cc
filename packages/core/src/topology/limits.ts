/**
 * Limits that keep hostile or accidental input from exhausting memory or time. They are far
 * above any real topology (the benchmark's 100,000 resources fit) and far below what would
 * hurt.
 */
export const LIMITS = {
  /**
   * Characters in a YAML document: about 80,000 small resources. The YAML parser holds some
   * 150 bytes per character at peak, so this keeps a parse under about 700 MB; larger
   * topologies go through `validateTopology`.
   */
  maxDocumentChars: 4 * 1024 * 1024,
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

/// EdgeSplit's version (see CHANGELOG.md), printed by `solverbench --version` and recorded in
/// benchmark reports.
public enum EdgeSplitVersion {
  public static let current = "0.2.0"
}

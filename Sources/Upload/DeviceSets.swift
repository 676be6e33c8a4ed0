import EdgeSplitModel

extension DNNModel {
  /// Every predecessor-closed device set (every valid partition) of the model, in a fixed order,
  /// or `nil` when there are more than `limit`: a chain of `n` layers has `n + 1`, a DAG with
  /// parallel branches many more.
  public func deviceSets(limit: Int) -> [[Bool]]? {
    var sets: [[Bool]] = []
    var current = [Bool](repeating: false, count: fields.layers.count)
    let order = topologicalOrder
    func visit(_ depth: Int) -> Bool {
      if depth == order.count {
        sets.append(current)
        return sets.count <= limit
      }
      let v = order[depth]
      current[v] = false
      if !visit(depth + 1) { return false }
      guard predecessors[v].allSatisfy({ current[$0] }) else { return true }
      current[v] = true
      defer { current[v] = false }
      return visit(depth + 1)
    }
    return visit(0) ? sets : nil
  }
}

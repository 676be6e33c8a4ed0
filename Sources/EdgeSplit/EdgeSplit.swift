// The umbrella module: `import EdgeSplit` brings in the model, the zoo, every problem family's
// solvers and the GLPK binding. Import the small modules directly to depend on less.
@_exported import Admission
@_exported import EdgeSplitModel
@_exported import FusedLayer
@_exported import GLPKBinding
@_exported import Graphs
@_exported import ModelZoo
@_exported import Surgery

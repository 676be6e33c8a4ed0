// The umbrella module: `import EdgeSplit` brings in the model, the zoo, every problem family's
// solvers, the exact formulations and the GLPK backend. Import the small modules directly to
// depend on less (the heuristics and min-cut solvers alone link no GPL code).
@_exported import Admission
@_exported import AdmissionMILP
@_exported import EdgeSplitModel
@_exported import FusedLayer
@_exported import GLPKBinding
@_exported import Graphs
@_exported import ModelZoo
@_exported import Optimization
@_exported import Streams
@_exported import Surgery
@_exported import SurgeryMILP
@_exported import Upload
@_exported import UploadMILP

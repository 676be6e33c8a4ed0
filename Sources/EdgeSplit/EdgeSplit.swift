// The umbrella module: `import EdgeSplit` brings in the model, the zoo, model import, every
// problem family's solvers and exact formulations, and both MILP backends (GLPK, GPL-3, and
// CBC, EPL-2.0), so it links both. Import the small modules directly to depend on less: the
// heuristics and min-cut solvers alone link no solver library, and the formulations with only
// `CBCBinding` link no GPL code.
@_exported import Admission
@_exported import AdmissionMILP
@_exported import CBCBinding
@_exported import EdgeSplitModel
@_exported import FusedLayer
@_exported import GLPKBinding
@_exported import Graphs
@_exported import ModelImport
@_exported import ModelZoo
@_exported import OnlineAdmission
@_exported import OnlineAdmissionMILP
@_exported import Optimization
@_exported import Streams
@_exported import Surgery
@_exported import SurgeryMILP
@_exported import Upload
@_exported import UploadMILP

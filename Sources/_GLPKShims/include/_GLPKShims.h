// _GLPKShims: the only code that calls GLPK.
//
// Swift cannot call setjmp, and GLPK aborts the process on misuse unless an
// error hook longjmps out. So the whole life of a problem (install hooks,
// create, load, solve, read, delete, remove hooks) happens inside one C call
// here, on one thread, and Swift only sees plain structs and arrays.
//
// This header deliberately does not include <glpk.h>: callers see only the
// constants and types below.

#ifndef _GLPKSHIMS_H
#define _GLPKSHIMS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// Column kinds.
#define _GLPKSHIMS_CONTINUOUS 0
#define _GLPKSHIMS_INTEGER 1
/// Integer in [0, 1]; a missing lower/upper bound means 0/1.
#define _GLPKSHIMS_BINARY 2

// Outcomes (already mapped from GLPK's return code and solution status).
#define _GLPKSHIMS_OPTIMAL 0
/// A limit stopped the solver and a feasible solution is available.
#define _GLPKSHIMS_FEASIBLE 1
/// A limit stopped the solver before any feasible solution was found.
#define _GLPKSHIMS_NO_SOLUTION 2
#define _GLPKSHIMS_INFEASIBLE 3
#define _GLPKSHIMS_UNBOUNDED 4
/// GLPK failed; `detail` and the message buffer say why.
#define _GLPKSHIMS_ERROR 5

// Limits, set only with _GLPKSHIMS_FEASIBLE / _GLPKSHIMS_NO_SOLUTION.
#define _GLPKSHIMS_LIMIT_NONE 0
#define _GLPKSHIMS_LIMIT_TIME 1
#define _GLPKSHIMS_LIMIT_ITERATION 2
#define _GLPKSHIMS_LIMIT_INTERRUPTED 3
/// GLPK stopped without a proof and without naming a limit.
#define _GLPKSHIMS_LIMIT_UNDETERMINED 4

/// One column (variable). Bounds are ignored unless their `has_` flag is set.
typedef struct {
  const char *name; ///< NUL-terminated, at most 255 bytes, or NULL.
  double lower;
  double upper;
  int has_lower;
  int has_upper;
  int kind; ///< _GLPKSHIMS_CONTINUOUS, _INTEGER or _BINARY.
  double objective;
} _GLPKShimsColumn;

/// One row (constraint): lower <= sum of its coefficients * columns <= upper.
typedef struct {
  const char *name; ///< NUL-terminated, at most 255 bytes, or NULL.
  double lower;
  double upper;
  int has_lower;
  int has_upper;
} _GLPKShimsRow;

/// A whole problem. The matrix is given as 0-based (row, column, value)
/// triplets without duplicate (row, column) pairs.
typedef struct {
  int column_count;
  const _GLPKShimsColumn *columns;
  int row_count;
  const _GLPKShimsRow *rows;
  int nonzero_count;
  const int *nonzero_rows;
  const int *nonzero_columns;
  const double *nonzero_values;
  int maximize;
  double objective_constant;
} _GLPKShimsProblem;

typedef struct {
  int time_limit_ms;       ///< INT_MAX means no limit.
  double relative_gap;     ///< glp_iocp.mip_gap; 0 asks for proven optimality.
  int relax_integrality;   ///< Solve the LP relaxation with glp_simplex.
  int print_output;        ///< Let GLPK also write its log to stdout.
  int cuts;                ///< Bit set of _GLPKSHIMS_CUT_* generators to enable.
  /// NULL, or a feasible solution (column_count values, checked by the caller) offered to
  /// glp_intopt as its first incumbent through glp_ios_heur_sol.
  const double *initial_solution;
} _GLPKShimsOptions;

// Cut generators (bits of _GLPKShimsOptions.cuts), the same bits as Swift's CutGenerators.
#define _GLPKSHIMS_CUT_GOMORY 1
#define _GLPKSHIMS_CUT_MIR 2
#define _GLPKSHIMS_CUT_COVER 4
#define _GLPKSHIMS_CUT_CLIQUE 8

typedef struct {
  int outcome;             ///< _GLPKSHIMS_OPTIMAL ... _GLPKSHIMS_ERROR.
  int limit;               ///< _GLPKSHIMS_LIMIT_*.
  int glp_return;          ///< Return code of glp_intopt / glp_simplex (-1: not reached).
  int status;              ///< glp_mip_status / glp_get_status after the solve (0: not read).
  int caught_glpk_error;   ///< The error hook fired; GLPK's environment was freed.
  int has_solution;        ///< `objective` and the column values are valid.
  double objective;        ///< Objective of the solution, constant included.
  int has_dual_bound;
  double dual_bound;       ///< Proven bound on the optimum (MILP only; LP: = objective at optimum).
  int message_truncated;   ///< The log overflowed; the buffer keeps its tail.
  const char *detail;      ///< Static text explaining the outcome, or NULL.
} _GLPKShimsResult;

/// Builds, solves and frees `problem` in one guarded scope on the calling thread.
///
/// `column_values` must hold `problem->column_count` doubles; it is written only
/// when `result->has_solution` is set. GLPK's text output is captured into
/// `message` (NUL-terminated, `message_capacity` bytes including the NUL) and
/// shown on stdout only if `options->print_output` is set. Never aborts: a GLPK
/// fatal error resets GLPK's environment on this thread and yields
/// `_GLPKSHIMS_ERROR` with `caught_glpk_error` set.
void _glpkshims_solve(const _GLPKShimsProblem *problem,
                      const _GLPKShimsOptions *options,
                      double *column_values,
                      char *message, size_t message_capacity,
                      _GLPKShimsResult *result);

/// The linked GLPK library's version, e.g. "5.0".
const char *_glpkshims_version(void);

/// Test hook: under the same guard, calls glp_set_col_bnds on a column that
/// does not exist. Returns 1 if the guard caught GLPK's fatal error (GLPK's
/// message is in `message`), 0 if GLPK unexpectedly accepted the call.
int _glpkshims_selftest_out_of_range_column(char *message, size_t capacity);

#ifdef __cplusplus
}
#endif

#endif

// See include/_GLPKShims.h for the contract. Everything GLPK-specific lives here.

#include "_GLPKShims.h"

#include <glpk.h>
#include <float.h>
#include <limits.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

// MARK: - The guard: term hook, error hook, setjmp

/// Per-call state reached from GLPK's hooks through their `info` pointer.
/// It lives in the caller of `run_guarded`, never in the frame that calls
/// setjmp, so its fields keep their values across longjmp.
typedef struct {
  jmp_buf jump;
  char *message;
  size_t capacity;
  size_t length;
  int truncated;
  int echo;
  int maximize;
  int has_bound;
  double bound;
  const double *start; ///< 1-based initial solution for glp_ios_heur_sol, or NULL.
  int start_offered;
} Guard;

static void guard_init(Guard *g, char *message, size_t capacity, int echo) {
  memset(g, 0, sizeof *g);
  g->message = capacity > 0 ? message : NULL;
  g->capacity = capacity;
  g->echo = echo;
  if (g->message) g->message[0] = '\0';
}

/// Appends GLPK's text, keeping the tail when full (errors come last).
/// Returns nonzero to stop GLPK from also writing to stdout.
static int capture_text(void *info, const char *s) {
  Guard *g = info;
  if (g->message) {
    size_t room = g->capacity - 1, n = strlen(s);
    if (n >= room) {
      if (n > room || g->length > 0) g->truncated = 1;
      memcpy(g->message, s + (n - room), room);
      g->length = room;
    } else {
      if (g->length + n > room) {
        size_t drop = g->length + n - room;
        memmove(g->message, g->message + drop, g->length - drop);
        g->length -= drop;
        g->truncated = 1;
      }
      memcpy(g->message + g->length, s, n);
      g->length += n;
    }
    g->message[g->length] = '\0';
  }
  return g->echo ? 0 : 1;
}

/// GLPK aborts if this hook returns. Its manual requires freeing the whole
/// environment (every GLPK object on this thread) before jumping out.
static void escape_glpk_error(void *info) {
  Guard *g = info;
  glp_free_env();
  longjmp(g->jump, 1);
}

/// Runs `body` with the hooks installed. Returns 1 if it completed, 0 if GLPK
/// raised a fatal error (its text is in the message buffer; the environment
/// has been freed, so GLPK starts afresh on the next call from this thread).
static int run_guarded(Guard *g, void (*body)(Guard *, void *), void *arg) {
  // The hooks and terminal flag are per-thread state of GLPK's environment.
  int previous_term_out = glp_term_out(GLP_ON); // the hook sees nothing when off
  glp_term_hook(capture_text, g);
  glp_error_hook(escape_glpk_error, g);
  if (setjmp(g->jump) != 0) return 0; // fresh environment: nothing to uninstall
  body(g, arg);
  glp_error_hook(NULL, NULL);
  glp_term_hook(NULL, NULL);
  glp_term_out(previous_term_out);
  return 1;
}

// MARK: - Loading

static int bound_type(int has_lower, double lower, int has_upper, double upper) {
  if (has_lower && has_upper) return lower == upper ? GLP_FX : GLP_DB;
  if (has_lower) return GLP_LO;
  if (has_upper) return GLP_UP;
  return GLP_FR;
}

typedef struct {
  const _GLPKShimsProblem *problem;
  const _GLPKShimsOptions *options;
  double *column_values;
  _GLPKShimsResult *result;
  int *ia, *ja; // 1-based copies of the triplet indices, as glp_load_matrix wants
  double *ar;
} SolveCall;

static void load(glp_prob *P, const SolveCall *c) {
  const _GLPKShimsProblem *p = c->problem;
  glp_set_obj_dir(P, p->maximize ? GLP_MAX : GLP_MIN);
  glp_set_obj_coef(P, 0, p->objective_constant);
  if (p->row_count > 0) glp_add_rows(P, p->row_count);
  if (p->column_count > 0) glp_add_cols(P, p->column_count);
  for (int i = 0; i < p->row_count; i++) {
    const _GLPKShimsRow *r = &p->rows[i];
    if (r->name && r->name[0]) glp_set_row_name(P, i + 1, r->name);
    glp_set_row_bnds(P, i + 1, bound_type(r->has_lower, r->lower, r->has_upper, r->upper),
                     r->lower, r->upper);
  }
  for (int j = 0; j < p->column_count; j++) {
    const _GLPKShimsColumn *col = &p->columns[j];
    int has_lower = col->has_lower, has_upper = col->has_upper;
    double lower = col->lower, upper = col->upper;
    if (col->kind == _GLPKSHIMS_BINARY) { // GLP_BV would overwrite tighter bounds
      if (!has_lower) { has_lower = 1; lower = 0; }
      if (!has_upper) { has_upper = 1; upper = 1; }
    }
    if (col->name && col->name[0]) glp_set_col_name(P, j + 1, col->name);
    glp_set_col_kind(P, j + 1, col->kind == _GLPKSHIMS_CONTINUOUS ? GLP_CV : GLP_IV);
    glp_set_col_bnds(P, j + 1, bound_type(has_lower, lower, has_upper, upper), lower, upper);
    glp_set_obj_coef(P, j + 1, col->objective);
  }
  for (int k = 0; k < p->nonzero_count; k++) {
    c->ia[k + 1] = p->nonzero_rows[k] + 1;
    c->ja[k + 1] = p->nonzero_columns[k] + 1;
    c->ar[k + 1] = p->nonzero_values[k];
  }
  glp_load_matrix(P, p->nonzero_count, c->ia, c->ja, c->ar);
}

// MARK: - Outcome mapping

static const char *return_code_text(int ret) {
  switch (ret) {
    case GLP_EBADB: return "GLP_EBADB (invalid basis)";
    case GLP_ESING: return "GLP_ESING (singular basis matrix)";
    case GLP_ECOND: return "GLP_ECOND (ill-conditioned basis matrix)";
    case GLP_EBOUND: return "GLP_EBOUND (invalid bounds)";
    case GLP_EFAIL: return "GLP_EFAIL (solver failure)";
    case GLP_EOBJLL: return "GLP_EOBJLL (objective lower limit reached)";
    case GLP_EOBJUL: return "GLP_EOBJUL (objective upper limit reached)";
    case GLP_EROOT: return "GLP_EROOT (no optimal LP relaxation basis)";
    default: return "an unexpected GLPK return code";
  }
}

static void set(_GLPKShimsResult *r, int outcome, int limit, const char *detail) {
  r->outcome = outcome;
  r->limit = limit;
  r->detail = detail;
}

/// After a limit: a solution exists iff GLPK's status says feasible or optimal.
static void set_limit(_GLPKShimsResult *r, int limit, const char *detail) {
  int feasible = r->status == GLP_FEAS || r->status == GLP_OPT;
  set(r, feasible ? _GLPKSHIMS_FEASIBLE : _GLPKSHIMS_NO_SOLUTION, limit, detail);
}

static int remaining_ms(int limit_ms, double start) {
  if (limit_ms == INT_MAX) return INT_MAX;
  double left = limit_ms - 1000.0 * glp_difftime(glp_time(), start);
  return left < 1 ? 0 : (int)left;
}

/// Budget for the feasibility test below when the caller set no time limit.
/// Branch and bound over unbounded integer variables may never finish.
#define FEASIBILITY_TEST_CAP_MS 10000

/// GLP_ENODFS only says the relaxation is dual infeasible: the problem is
/// unbounded if it has any feasible point, infeasible otherwise (e.g. 2x - 2y = 1
/// over integers). Re-solve with a zero objective to tell which.
static void classify_dual_infeasible(glp_prob *P, const SolveCall *c, double start) {
  _GLPKShimsResult *r = c->result;
  int user_limited = c->options->time_limit_ms != INT_MAX;
  int budget = user_limited ? remaining_ms(c->options->time_limit_ms, start) : FEASIBILITY_TEST_CAP_MS;
  if (budget == 0) {
    set(r, _GLPKSHIMS_NO_SOLUTION, _GLPKSHIMS_LIMIT_TIME,
        "the relaxation is dual infeasible; no time left to test feasibility");
    return;
  }
  for (int j = 0; j <= glp_get_num_cols(P); j++) glp_set_obj_coef(P, j, 0.0);
  int ret, feasible, infeasible;
  if (c->options->relax_integrality) {
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = c->options->print_output ? GLP_MSG_ON : GLP_MSG_ERR;
    parm.presolve = GLP_ON;
    parm.tm_lim = budget;
    ret = glp_simplex(P, &parm);
    int st = glp_get_status(P);
    feasible = ret == 0 && (st == GLP_OPT || st == GLP_FEAS);
    infeasible = ret == GLP_ENOPFS || (ret == 0 && st == GLP_NOFEAS);
  } else {
    glp_iocp parm;
    glp_init_iocp(&parm);
    parm.msg_lev = c->options->print_output ? GLP_MSG_ON : GLP_MSG_ERR;
    parm.presolve = GLP_ON;
    parm.tm_lim = budget;
    ret = glp_intopt(P, &parm);
    int st = glp_mip_status(P);
    feasible = st == GLP_OPT || st == GLP_FEAS; // any integer point proves unboundedness
    infeasible = ret == GLP_ENOPFS || (ret == 0 && st == GLP_NOFEAS);
  }
  if (feasible)
    set(r, _GLPKSHIMS_UNBOUNDED, _GLPKSHIMS_LIMIT_NONE,
        "the relaxation is dual infeasible and a feasible point exists");
  else if (infeasible)
    set(r, _GLPKSHIMS_INFEASIBLE, _GLPKSHIMS_LIMIT_NONE,
        "the relaxation is dual infeasible and no feasible point exists");
  else if (ret == GLP_ETMLIM && user_limited)
    set(r, _GLPKSHIMS_NO_SOLUTION, _GLPKSHIMS_LIMIT_TIME,
        "the relaxation is dual infeasible; feasibility undecided at the time limit");
  else if (ret == GLP_ETMLIM)
    set(r, _GLPKSHIMS_NO_SOLUTION, _GLPKSHIMS_LIMIT_UNDETERMINED,
        "the relaxation is unbounded, but no feasible point was found within 10 s");
  else
    set(r, _GLPKSHIMS_ERROR, _GLPKSHIMS_LIMIT_NONE,
        "the relaxation is dual infeasible; the feasibility test failed");
}

// MARK: - Solving

/// glp_intopt callback: offers the initial solution at the first heuristic
/// call, and remembers the best bound over active subproblems (that bound is only
/// available while the search runs).
static void record_bound(glp_tree *T, void *info) {
  Guard *g = info;
  if (g->start && !g->start_offered && glp_ios_reason(T) == GLP_IHEUR) {
    g->start_offered = 1;
    glp_ios_heur_sol(T, g->start); // rejected only if not better than an incumbent found already
  }
  int node = glp_ios_best_node(T);
  if (node == 0) return;
  double b = glp_ios_node_bound(T, node);
  if (!(b > -DBL_MAX && b < DBL_MAX)) return; // not yet computed
  // Every recorded value is a valid bound; keep the tightest.
  if (!g->has_bound || (g->maximize ? b < g->bound : b > g->bound)) g->bound = b;
  g->has_bound = 1;
}

static void solve_mip(glp_prob *P, Guard *g, const SolveCall *c) {
  const _GLPKShimsOptions *o = c->options;
  _GLPKShimsResult *r = c->result;
  glp_iocp parm;
  glp_init_iocp(&parm);
  parm.msg_lev = o->print_output ? GLP_MSG_ON : GLP_MSG_ERR; // errors reach the hook only
  parm.presolve = GLP_ON; // glp_intopt otherwise needs an optimal LP basis first
  parm.tm_lim = o->time_limit_ms;
  parm.mip_gap = o->relative_gap;
  parm.gmi_cuts = (o->cuts & _GLPKSHIMS_CUT_GOMORY) ? GLP_ON : GLP_OFF;
  parm.mir_cuts = (o->cuts & _GLPKSHIMS_CUT_MIR) ? GLP_ON : GLP_OFF;
  parm.cov_cuts = (o->cuts & _GLPKSHIMS_CUT_COVER) ? GLP_ON : GLP_OFF;
  parm.clq_cuts = (o->cuts & _GLPKSHIMS_CUT_CLIQUE) ? GLP_ON : GLP_OFF;
  parm.cb_func = record_bound;
  parm.cb_info = g;
  double start = glp_time();
  if (g->start) {
    // With the MIP presolver on, the search runs on a transformed problem whose columns are not
    // the caller's, so glp_ios_heur_sol could not take the start. Solve the relaxation first
    // (the simplex presolves on its own); from its optimal basis glp_intopt needs no presolver.
    // If the relaxation is not optimal, leave the diagnosis to glp_intopt's presolver and drop
    // the start (the caller keeps it).
    glp_smcp lp;
    glp_init_smcp(&lp);
    lp.msg_lev = parm.msg_lev;
    lp.presolve = GLP_ON;
    lp.tm_lim = o->time_limit_ms;
    if (glp_simplex(P, &lp) == 0 && glp_get_status(P) == GLP_OPT) {
      parm.presolve = GLP_OFF;
    } else {
      g->start = NULL;
    }
    parm.tm_lim = remaining_ms(o->time_limit_ms, start);
    if (parm.tm_lim == 0) parm.tm_lim = 1; // stop at once, but still report what is known
  }
  int ret = glp_intopt(P, &parm);
  int status = glp_mip_status(P);
  if (parm.presolve == GLP_ON && (ret == GLP_ENOPFS || (ret == 0 && status == GLP_NOFEAS))) {
    // The MIP presolver decides infeasibility with absolute tolerances, which rows whose
    // coefficients span many orders of magnitude defeat (a feasible program called infeasible).
    // Confirm it on the original, scaled problem: solve the relaxation without any presolver;
    // if it is feasible, search from its optimal basis without the MIP presolver.
    glp_scale_prob(P, GLP_SF_AUTO);
    glp_smcp lp;
    glp_init_smcp(&lp);
    lp.msg_lev = parm.msg_lev;
    lp.presolve = GLP_OFF;
    lp.tm_lim = remaining_ms(o->time_limit_ms, start);
    if (lp.tm_lim == 0) lp.tm_lim = 1;
    int lp_ret = glp_simplex(P, &lp);
    if (lp_ret == 0 && glp_get_status(P) == GLP_OPT) {
      parm.presolve = GLP_OFF;
      parm.tm_lim = remaining_ms(o->time_limit_ms, start);
      if (parm.tm_lim == 0) parm.tm_lim = 1;
      ret = glp_intopt(P, &parm);
      status = glp_mip_status(P);
    } else if (lp_ret == GLP_ETMLIM) {
      ret = GLP_ETMLIM;
    }
  }
  r->glp_return = ret;
  r->status = status;
  switch (ret) {
    case 0:
      if (r->status == GLP_OPT) set(r, _GLPKSHIMS_OPTIMAL, _GLPKSHIMS_LIMIT_NONE, NULL);
      else if (r->status == GLP_NOFEAS) set(r, _GLPKSHIMS_INFEASIBLE, _GLPKSHIMS_LIMIT_NONE, NULL);
      else set_limit(r, _GLPKSHIMS_LIMIT_UNDETERMINED, "glp_intopt stopped without a proof");
      break;
    case GLP_EMIPGAP: // optimal within the requested relative gap
      set(r, _GLPKSHIMS_OPTIMAL, _GLPKSHIMS_LIMIT_NONE, "stopped at the requested relative gap");
      break;
    case GLP_ETMLIM: set_limit(r, _GLPKSHIMS_LIMIT_TIME, NULL); break;
    case GLP_ESTOP: set_limit(r, _GLPKSHIMS_LIMIT_INTERRUPTED, NULL); break;
    case GLP_ENOPFS: set(r, _GLPKSHIMS_INFEASIBLE, _GLPKSHIMS_LIMIT_NONE, NULL); break;
    case GLP_ENODFS: classify_dual_infeasible(P, c, start); return;
    default: set(r, _GLPKSHIMS_ERROR, _GLPKSHIMS_LIMIT_NONE, return_code_text(ret)); break;
  }
  if (r->outcome == _GLPKSHIMS_OPTIMAL || r->outcome == _GLPKSHIMS_FEASIBLE) {
    r->has_solution = 1;
    r->objective = glp_mip_obj_val(P);
    for (int j = 0; j < c->problem->column_count; j++)
      c->column_values[j] = glp_mip_col_val(P, j + 1);
  }
  if (ret == 0 && r->status == GLP_OPT) {
    r->has_dual_bound = 1; // proven optimal: the bound is the optimum itself
    r->dual_bound = r->objective;
  } else if (g->has_bound) {
    r->has_dual_bound = 1;
    r->dual_bound = g->bound;
    // Open nodes may all be worse than the incumbent (not yet pruned); then
    // the optimum is the incumbent's value, and that is the bound.
    if (r->has_solution && (g->maximize ? r->objective > g->bound : r->objective < g->bound))
      r->dual_bound = r->objective;
  }
}

static void solve_lp(glp_prob *P, const SolveCall *c) {
  const _GLPKShimsOptions *o = c->options;
  _GLPKShimsResult *r = c->result;
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = o->print_output ? GLP_MSG_ON : GLP_MSG_ERR;
  parm.presolve = GLP_ON;
  parm.tm_lim = o->time_limit_ms;
  double start = glp_time();
  int ret = glp_simplex(P, &parm);
  r->glp_return = ret;
  r->status = glp_get_status(P);
  switch (ret) {
    case 0:
      if (r->status == GLP_OPT) set(r, _GLPKSHIMS_OPTIMAL, _GLPKSHIMS_LIMIT_NONE, NULL);
      else if (r->status == GLP_NOFEAS) set(r, _GLPKSHIMS_INFEASIBLE, _GLPKSHIMS_LIMIT_NONE, NULL);
      else if (r->status == GLP_UNBND) set(r, _GLPKSHIMS_UNBOUNDED, _GLPKSHIMS_LIMIT_NONE, NULL);
      else set_limit(r, _GLPKSHIMS_LIMIT_UNDETERMINED, "glp_simplex stopped without a proof");
      break;
    case GLP_ETMLIM: set_limit(r, _GLPKSHIMS_LIMIT_TIME, NULL); break;
    case GLP_EITLIM: set_limit(r, _GLPKSHIMS_LIMIT_ITERATION, NULL); break;
    case GLP_ENOPFS: set(r, _GLPKSHIMS_INFEASIBLE, _GLPKSHIMS_LIMIT_NONE, NULL); break;
    case GLP_ENODFS: classify_dual_infeasible(P, c, start); return;
    default: set(r, _GLPKSHIMS_ERROR, _GLPKSHIMS_LIMIT_NONE, return_code_text(ret)); break;
  }
  if (r->outcome == _GLPKSHIMS_OPTIMAL || r->outcome == _GLPKSHIMS_FEASIBLE) {
    r->has_solution = 1;
    r->objective = glp_get_obj_val(P);
    for (int j = 0; j < c->problem->column_count; j++)
      c->column_values[j] = glp_get_col_prim(P, j + 1);
  }
  if (r->outcome == _GLPKSHIMS_OPTIMAL) { // LP optimality is its own proof
    r->has_dual_bound = 1;
    r->dual_bound = r->objective;
  }
}

static void solve_body(Guard *g, void *arg) {
  SolveCall *c = arg;
  glp_prob *P = glp_create_prob();
  load(P, c);
  if (c->options->relax_integrality) solve_lp(P, c);
  else solve_mip(P, g, c);
  glp_delete_prob(P);
}

// MARK: - Entry points

void _glpkshims_solve(const _GLPKShimsProblem *problem,
                      const _GLPKShimsOptions *options,
                      double *column_values,
                      char *message, size_t message_capacity,
                      _GLPKShimsResult *result) {
  memset(result, 0, sizeof *result);
  result->glp_return = -1;
  Guard g;
  guard_init(&g, message, message_capacity, options->print_output);
  g.maximize = problem->maximize;

  // Allocated outside the guard: a longjmp must not leak them.
  size_t n = (size_t)(problem->nonzero_count > 0 ? problem->nonzero_count : 0) + 1;
  SolveCall call = {problem, options, column_values, result,
                    malloc(n * sizeof(int)), malloc(n * sizeof(int)), malloc(n * sizeof(double))};
  double *start = NULL; // 1-based, as glp_ios_heur_sol wants
  if (options->initial_solution && !options->relax_integrality) {
    start = malloc(((size_t)problem->column_count + 1) * sizeof(double));
    if (start) {
      start[0] = 0;
      memcpy(start + 1, options->initial_solution, (size_t)problem->column_count * sizeof(double));
    }
  }
  g.start = start;
  if (!call.ia || !call.ja || !call.ar || (options->initial_solution && !options->relax_integrality && !start)) {
    set(result, _GLPKSHIMS_ERROR, _GLPKSHIMS_LIMIT_NONE, "out of memory copying the matrix");
  } else if (!run_guarded(&g, solve_body, &call)) {
    memset(result, 0, sizeof *result); // whatever was read is from a dead problem
    result->glp_return = -1;
    result->caught_glpk_error = 1;
    set(result, _GLPKSHIMS_ERROR, _GLPKSHIMS_LIMIT_NONE,
        "GLPK raised a fatal error; its environment on this thread was reset");
  }
  result->message_truncated = g.truncated;
  free(call.ia);
  free(call.ja);
  free(call.ar);
  free(start);
}

const char *_glpkshims_version(void) { return glp_version(); }

static void out_of_range_body(Guard *g, void *arg) {
  (void)g;
  (void)arg;
  glp_prob *P = glp_create_prob();
  glp_add_cols(P, 1);
  glp_set_col_bnds(P, 2, GLP_LO, 0.0, 0.0); // column 2 does not exist
  glp_delete_prob(P);
}

int _glpkshims_selftest_out_of_range_column(char *message, size_t capacity) {
  Guard g;
  guard_init(&g, message, capacity, 0);
  return run_guarded(&g, out_of_range_body, NULL) ? 0 : 1;
}

// See include/_CBCShims.h for the contract. Everything CBC-specific lives here.

#include "_CBCShims.h"

#include <coin/Cbc_C_Interface.h>
#include <coin/CoinError.hpp>

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <mutex>
#include <unistd.h>
#include <string>
#include <vector>

namespace {

/// CBC 2.10's driver (CbcMain0/CbcMain1, behind Cbc_solve) keeps global state: concurrent
/// solves from two threads fail at random ("stopped before branch and bound"). One lock
/// serializes every CBC call of the process.
std::mutex cbc_lock;

/// Budget for the unboundedness test when the caller set no time limit (as in _GLPKShims).
constexpr double kFeasibilityTestCapSeconds = 10;

/// Owns one Cbc_Model: deleted on every path out, exceptions included.
struct Model {
  Cbc_Model *m = Cbc_newModel();
  Model() = default;
  Model(const Model &) = delete;
  Model &operator=(const Model &) = delete;
  ~Model() { Cbc_deleteModel(m); }
};

void set(_CBCShimsResult *r, int outcome, int limit, const char *detail) {
  r->outcome = outcome;
  r->limit = limit;
  r->detail = detail;
}

double finite_or_coin_infinity(double v) {
  if (v == HUGE_VAL) return DBL_MAX;
  if (v == -HUGE_VAL) return -DBL_MAX;
  return v;
}

/// Loads `p` into a fresh model, with `objective` (the problem's, or zeros) and integrality
/// unless `relax`. Columns are named c0, c1, ... so that a MIP start (matched by name) is exact.
void load(Cbc_Model *m, const _CBCShimsProblem *p, const double *objective, bool relax) {
  const int n = p->column_count;
  std::vector<int> start(n + 1, 0), index(p->nonzero_count);
  std::vector<double> value(p->nonzero_count);
  for (int k = 0; k < p->nonzero_count; k++) start[p->nonzero_columns[k] + 1]++;
  for (int j = 0; j < n; j++) start[j + 1] += start[j];
  std::vector<int> next(start.begin(), start.end() - 1);
  for (int k = 0; k < p->nonzero_count; k++) {
    int at = next[p->nonzero_columns[k]]++;
    index[at] = p->nonzero_rows[k];
    value[at] = p->nonzero_values[k];
  }
  std::vector<double> collb(n), colub(n), rowlb(p->row_count), rowub(p->row_count);
  for (int j = 0; j < n; j++) {
    collb[j] = finite_or_coin_infinity(p->column_lower[j]);
    colub[j] = finite_or_coin_infinity(p->column_upper[j]);
  }
  for (int i = 0; i < p->row_count; i++) {
    rowlb[i] = finite_or_coin_infinity(p->row_lower[i]);
    rowub[i] = finite_or_coin_infinity(p->row_upper[i]);
  }
  Cbc_loadProblem(m, n, p->row_count, start.data(), index.data(), value.data(), collb.data(), colub.data(),
                  objective, rowlb.data(), rowub.data());
  for (int j = 0; j < n; j++) {
    if (!relax && p->is_integer[j]) Cbc_setInteger(m, j);
    std::string name = "c" + std::to_string(j);
    Cbc_setColName(m, j, name.c_str());
  }
  Cbc_setObjSense(m, p->maximize ? -1 : 1);
}

void configure(Cbc_Model *m, const _CBCShimsOptions *o, double seconds) {
  const char *log = o->print_output ? "1" : "0";
  Cbc_setLogLevel(m, o->print_output ? 1 : 0);
  Cbc_setParameter(m, "log", log);
  Cbc_setParameter(m, "slog", log);
  char text[64];
  if (seconds > 0) {
    std::snprintf(text, sizeof text, "%.17g", seconds);
    // CBC counts CPU seconds by default, which run slower than the wall clock on a shared
    // machine (84-150 s under a 60 s limit); the limit is a wall-clock budget.
    Cbc_setParameter(m, "timeMode", "elapsed");
    Cbc_setParameter(m, "sec", text);
    Cbc_setMaximumSeconds(m, seconds);
  }
  std::snprintf(text, sizeof text, "%.17g", o->relative_gap);
  Cbc_setParameter(m, "ratioGap", text);
  Cbc_setAllowableFractionGap(m, o->relative_gap);
}

double objective_of(const _CBCShimsProblem *p, const double *x) {
  double sum = p->objective_constant;
  for (int j = 0; j < p->column_count; j++) sum += p->objective[j] * x[j];
  return sum;
}

void copy_solution(const _CBCShimsProblem *p, const double *x, double *out, _CBCShimsResult *r) {
  std::memcpy(out, x, sizeof(double) * (size_t)p->column_count);
  r->has_solution = 1;
  r->objective = objective_of(p, x);
}

/// The relaxation (or the model) is dual infeasible: unbounded if any feasible point exists,
/// infeasible otherwise. Re-solve with a zero objective to tell which.
void classify_dual_infeasible(const _CBCShimsProblem *p, const _CBCShimsOptions *o, double seconds_left,
                              _CBCShimsResult *r) {
  bool user_limited = o->time_limit_seconds > 0;
  double budget = user_limited ? seconds_left : kFeasibilityTestCapSeconds;
  if (budget <= 0) {
    set(r, _CBCSHIMS_NO_SOLUTION, _CBCSHIMS_LIMIT_TIME, "the relaxation is dual infeasible; no time left to test feasibility");
    return;
  }
  std::vector<double> zeros(p->column_count, 0.0);
  Model test;
  load(test.m, p, zeros.data(), o->relax_integrality != 0);
  configure(test.m, o, budget);
  Cbc_solve(test.m);
  bool feasible = o->relax_integrality ? Cbc_isProvenOptimal(test.m) : Cbc_bestSolution(test.m) != nullptr;
  if (feasible)
    set(r, _CBCSHIMS_UNBOUNDED, _CBCSHIMS_LIMIT_NONE, "the relaxation is dual infeasible and a feasible point exists");
  else if (Cbc_isProvenInfeasible(test.m))
    set(r, _CBCSHIMS_INFEASIBLE, _CBCSHIMS_LIMIT_NONE, "the relaxation is dual infeasible and no feasible point exists");
  else
    set(r, _CBCSHIMS_NO_SOLUTION, user_limited ? _CBCSHIMS_LIMIT_TIME : _CBCSHIMS_LIMIT_UNDETERMINED,
        "the relaxation is dual infeasible; feasibility undecided within the time left");
}

double now_seconds() {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/// The LP relaxation with Clp: optimal, or primal/dual infeasible (told apart by a second solve).
void solve_lp(const _CBCShimsProblem *p, const _CBCShimsOptions *o, double *x, _CBCShimsResult *r) {
  Model model;
  load(model.m, p, p->objective, true);
  configure(model.m, o, o->time_limit_seconds);
  r->status = Cbc_solve(model.m);
  if (Cbc_isProvenOptimal(model.m)) {
    set(r, _CBCSHIMS_OPTIMAL, _CBCSHIMS_LIMIT_NONE, nullptr);
    copy_solution(p, Cbc_getColSolution(model.m), x, r);
    r->has_dual_bound = 1; // LP optimality is its own proof
    r->dual_bound = r->objective;
  } else if (Cbc_isProvenInfeasible(model.m)) { // primal or dual infeasible: Clp's flag covers both
    std::vector<double> zeros(p->column_count, 0.0);
    Model test;
    load(test.m, p, zeros.data(), true);
    configure(test.m, o, o->time_limit_seconds);
    Cbc_solve(test.m);
    if (Cbc_isProvenOptimal(test.m)) set(r, _CBCSHIMS_UNBOUNDED, _CBCSHIMS_LIMIT_NONE, "the relaxation is unbounded");
    else set(r, _CBCSHIMS_INFEASIBLE, _CBCSHIMS_LIMIT_NONE, nullptr);
  } else if (Cbc_isAbandoned(model.m)) {
    set(r, _CBCSHIMS_ERROR, _CBCSHIMS_LIMIT_NONE, "Clp abandoned the relaxation (numerical difficulties)");
  } else {
    set(r, _CBCSHIMS_NO_SOLUTION, _CBCSHIMS_LIMIT_UNDETERMINED, "Clp stopped without a proof");
  }
}

/// Branch and cut. Cbc_status: 0 finished, 1 stopped on a limit (Cbc_secondaryStatus says
/// which: 3 nodes, 4 time, 5 user event, 6 solutions, 8 iterations), 2 abandoned, 5 user
/// event, -1 never reached branch and bound. Finished runs are read with isProvenOptimal /
/// isProvenInfeasible and secondary 7 (relaxation unbounded).
void solve_mip(const _CBCShimsProblem *p, const _CBCShimsOptions *o, double *x, _CBCShimsResult *r) {
  double start = now_seconds();
  Model model;
  load(model.m, p, p->objective, false);
  configure(model.m, o, o->time_limit_seconds);
  if (o->initial_solution) {
    std::vector<int> columns(p->column_count);
    for (int j = 0; j < p->column_count; j++) columns[j] = j;
    Cbc_setMIPStartI(model.m, p->column_count, columns.data(), o->initial_solution);
    // CBC 2.10's default preprocessing ("sos") adds slack columns, and then reading the MIP
    // start fails ("Illegal index in ClpModel::getColumnName") and CBC stops before branch and
    // bound. Plain preprocessing keeps the columns.
    Cbc_setParameter(model.m, "preprocess", "on");
  }
  Cbc_solve(model.m);
  r->status = Cbc_status(model.m);
  r->secondary_status = Cbc_secondaryStatus(model.m);
  r->node_count = Cbc_getNodeCount(model.m);
  const double *best = Cbc_bestSolution(model.m);
  bool has_solution = best != nullptr;
  int limit = _CBCSHIMS_LIMIT_UNDETERMINED;
  switch (r->secondary_status) {
    case 3: limit = _CBCSHIMS_LIMIT_NODE; break;
    case 4: limit = _CBCSHIMS_LIMIT_TIME; break;
    case 5: limit = _CBCSHIMS_LIMIT_INTERRUPTED; break;
    case 8: limit = _CBCSHIMS_LIMIT_ITERATION; break;
    default: break;
  }
  switch (r->status) {
    case 0:
      if (r->secondary_status == 7 || Cbc_isContinuousUnbounded(model.m)) {
        double left = o->time_limit_seconds - (now_seconds() - start);
        classify_dual_infeasible(p, o, left, r);
        return;
      }
      if (Cbc_isProvenOptimal(model.m) && has_solution)
        set(r, _CBCSHIMS_OPTIMAL, _CBCSHIMS_LIMIT_NONE,
            r->secondary_status == 2 ? "stopped at the requested relative gap" : nullptr);
      else if (Cbc_isProvenInfeasible(model.m) && !has_solution)
        set(r, _CBCSHIMS_INFEASIBLE, _CBCSHIMS_LIMIT_NONE, nullptr);
      else
        set(r, has_solution ? _CBCSHIMS_FEASIBLE : _CBCSHIMS_NO_SOLUTION, _CBCSHIMS_LIMIT_UNDETERMINED,
            "CBC finished without a proof");
      break;
    case 1: set(r, has_solution ? _CBCSHIMS_FEASIBLE : _CBCSHIMS_NO_SOLUTION, limit, nullptr); break;
    case 5:
      set(r, has_solution ? _CBCSHIMS_FEASIBLE : _CBCSHIMS_NO_SOLUTION, _CBCSHIMS_LIMIT_INTERRUPTED, nullptr);
      break;
    case 2: set(r, _CBCSHIMS_ERROR, _CBCSHIMS_LIMIT_NONE, "CBC abandoned the search (numerical difficulties)"); return;
    default:
      // -1: CbcMain1 stopped before branch and bound, which a time limit does during
      // preprocessing or the root cut loop.
      if (Cbc_isSecondsLimitReached(model.m) || r->secondary_status == 4) {
        set(r, has_solution ? _CBCSHIMS_FEASIBLE : _CBCSHIMS_NO_SOLUTION, _CBCSHIMS_LIMIT_TIME, nullptr);
        break;
      }
      set(r, _CBCSHIMS_ERROR, _CBCSHIMS_LIMIT_NONE, "CBC stopped before branch and bound");
      return;
  }
  if (r->outcome == _CBCSHIMS_OPTIMAL || r->outcome == _CBCSHIMS_FEASIBLE) copy_solution(p, best, x, r);
  if (r->outcome == _CBCSHIMS_OPTIMAL) {
    r->has_dual_bound = 1; // proven optimal: the bound is the optimum itself
    r->dual_bound = r->objective;
  } else if (r->outcome == _CBCSHIMS_FEASIBLE || r->outcome == _CBCSHIMS_NO_SOLUTION) {
    double bound = Cbc_getBestPossibleObjValue(model.m); // in the model's sense already
    if (std::isfinite(bound) && std::fabs(bound) < 1e50) {
      r->has_dual_bound = 1;
      r->dual_bound = bound + p->objective_constant;
      // The search may stop before pruning nodes that are no better than the incumbent.
      if (r->has_solution && (p->maximize ? r->objective > r->dual_bound : r->objective < r->dual_bound))
        r->dual_bound = r->objective;
    }
  }
}

/// Keeps the tail of `text` (errors come last), NUL-terminated.
void copy_message(char *message, size_t capacity, const std::string &text) {
  if (!message || capacity == 0) return;
  size_t n = text.size() < capacity - 1 ? text.size() : capacity - 1;
  std::memcpy(message, text.data() + (text.size() - n), n);
  message[n] = '\0';
}

/// CBC 2.10's Clp prints a few lines ("5 slacks added", "row inf ...") to standard output even at
/// log level 0. While a silent solve runs, file descriptor 1 points at a temporary file, whose
/// text becomes the result's message. (Process-wide: other threads' standard output during the
/// solve lands there too.)
class StdoutCapture {
  FILE *file_ = nullptr;
  int saved_ = -1;

public:
  StdoutCapture() {
    std::fflush(stdout);
    std::cout.flush();
    file_ = std::tmpfile();
    if (!file_) return;
    saved_ = dup(1);
    if (saved_ < 0 || dup2(fileno(file_), 1) < 0) restore();
  }
  StdoutCapture(const StdoutCapture &) = delete;
  StdoutCapture &operator=(const StdoutCapture &) = delete;
  ~StdoutCapture() { restore(); }

  /// Restores standard output and returns what was written meanwhile.
  std::string finish() {
    std::fflush(stdout);
    std::cout.flush();
    std::string text;
    if (file_ && saved_ >= 0) {
      std::rewind(file_);
      char buffer[4096];
      size_t n;
      while ((n = std::fread(buffer, 1, sizeof buffer, file_)) > 0) text.append(buffer, n);
    }
    restore();
    return text;
  }

private:
  void restore() {
    if (saved_ >= 0) {
      std::fflush(stdout);
      dup2(saved_, 1);
      close(saved_);
      saved_ = -1;
    }
    if (file_) {
      std::fclose(file_);
      file_ = nullptr;
    }
  }
};

} // namespace

extern "C" void _cbcshims_solve(const _CBCShimsProblem *problem, const _CBCShimsOptions *options,
                                double *column_values, char *message, size_t message_capacity,
                                _CBCShimsResult *result) {
  std::memset(result, 0, sizeof *result);
  result->status = -1;
  result->secondary_status = -1;
  copy_message(message, message_capacity, "");
  std::lock_guard<std::mutex> serialized(cbc_lock);
  std::string error;
  {
    StdoutCapture capture;
    if (options->print_output) capture.finish(); // let CBC print
    try {
      if (options->relax_integrality) solve_lp(problem, options, column_values, result);
      else solve_mip(problem, options, column_values, result);
    } catch (const CoinError &e) {
      std::memset(result, 0, sizeof *result);
      set(result, _CBCSHIMS_ERROR, _CBCSHIMS_LIMIT_NONE, "CBC raised an error");
      error = e.className() + "::" + e.methodName() + ": " + e.message();
    } catch (const std::exception &e) {
      std::memset(result, 0, sizeof *result);
      set(result, _CBCSHIMS_ERROR, _CBCSHIMS_LIMIT_NONE, "CBC raised an error");
      error = e.what();
    } catch (...) {
      std::memset(result, 0, sizeof *result);
      set(result, _CBCSHIMS_ERROR, _CBCSHIMS_LIMIT_NONE, "CBC raised an unknown exception");
    }
    std::string log = capture.finish();
    copy_message(message, message_capacity, error.empty() ? log : log + error);
  }
}

extern "C" const char *_cbcshims_version(void) { return Cbc_getVersion(); }

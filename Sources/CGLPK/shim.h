// GLPK ships no pkg-config file, so the module map points at this header,
// which pulls in the system-wide <glpk.h> (libglpk-dev / brew glpk).
#include <glpk.h>

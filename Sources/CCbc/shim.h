// CBC's C interface (coinor-libcbc-dev / brew cbc). Its header includes "Coin_C_defines.h"
// from its own folder, so no include path is needed.
#include <coin/Cbc_C_Interface.h>

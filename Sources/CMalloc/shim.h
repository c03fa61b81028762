// glibc's malloc tuning (mallopt), for the command line's keepFreedMemory().
#include <malloc.h>

#include "trace/trace-hw_photon.h"

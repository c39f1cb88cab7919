// The ProcessUtility hook (hook.cpp).
#pragma once

#include "glue/pg.hpp"

void mg_install_hook(void);

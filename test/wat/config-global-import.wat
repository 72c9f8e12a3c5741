;; embed_config_test.cpp
(module (import "env" "delay_ms" (global i32)))

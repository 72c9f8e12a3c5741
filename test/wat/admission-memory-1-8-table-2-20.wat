;; embed_admission_test.cpp
(module (memory 1 8) (table 2 20 funcref))

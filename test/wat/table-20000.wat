;; embed_admission_test.cpp
(module (table 20000 funcref))

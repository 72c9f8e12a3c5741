;; embed_admission_test.cpp
(module (memory 0))

;; embed_admission_test.cpp
(module)

library(testthat)
library(carbongap)

test_check("carbongap")

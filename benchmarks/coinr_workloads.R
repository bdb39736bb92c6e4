# COINr side of benchmarks/coinr.py: runs the benchmark workloads in COINr and times them
# inside R, so R's start-up and the pipe to Python are never part of a figure.
#
# Usage: R_LIBS=/path/to/library Rscript benchmarks/coinr_workloads.R
# COINr is loaded from the library path (R_LIBS); it is never bundled with the project.
#
# Protocol: one command per line on stdin, one answer per command on stdout, on a line that
# starts with "@@" followed by a JSON object. Anything else R or COINr prints (for example
# get_sensitivity() reporting a failed regeneration) is on other lines and is ignored by the
# harness. Commands (tokens separated by single spaces; paths must not contain spaces):
#
#   ping
#   load <key> <iData.csv> <iMeta.csv>          read the tables (not timed)
#   build <key> <treat 0|1> <reps> [<out.csv>]  default build (+ Treat), reps timed runs
#   ua <key> <N> <seed> <reps> [<out.csv>]      get_sensitivity(SA_type = "UA"), reps runs
#   export_asem <dir>                           write COINr's ASEM example as CSV
#   quit
#
# Answers: {"ok": true, "total_s": [...], "new_coin_s": [...]} (one entry per timed run) or
# {"ok": false, "error": "..."}. With <out.csv> the aggregated index of the last run (build) or
# COINr's RankStats (ua) is written there with 17 significant digits for the agreement check.

suppressPackageStartupMessages(library(COINr))

now <- function() as.numeric(Sys.time())

answer <- function(fields) {
  parts <- vapply(names(fields), function(k) {
    v <- fields[[k]]
    if (is.logical(v)) {
      val <- if (v) "true" else "false"
    } else if (is.numeric(v)) {
      val <- paste0("[", paste(sprintf("%.9g", v), collapse = ","), "]")
    } else {
      val <- paste0("\"", gsub("[\"\\\\\n\r\t]", " ", as.character(v)), "\"")
    }
    paste0("\"", k, "\":", val)
  }, character(1))
  cat("@@{", paste(parts, collapse = ","), "}\n", sep = "")
  flush(stdout())
}

read_table <- function(path) {
  # empty fields are missing, as in the CSVs written by the harness and COINr's example files
  utils::read.csv(path, na.strings = c("", "NA"), stringsAsFactors = FALSE, check.names = FALSE)
}

write_scores <- function(df, path) {
  # numbers with 17 significant digits (write.csv keeps 15), text quoted, missing = empty
  out <- df
  text <- which(!vapply(out, is.numeric, logical(1)))
  for (col in names(out)) {
    if (is.numeric(out[[col]])) {
      out[[col]] <- ifelse(is.na(out[[col]]), NA, sprintf("%.17g", out[[col]]))
    }
  }
  utils::write.csv(out, path, row.names = FALSE, quote = text, na = "")
}

index_code <- function(iMeta) {
  # the root: the aggregate without a parent
  rows <- iMeta$Type == "Aggregate" & is.na(iMeta$Parent)
  iMeta$iCode[rows][1]
}

datasets <- list()

# The default build: new_coin -> [Treat] -> Normalise (min-max 0-100) -> Aggregate (arithmetic).
# new_coin is inside the timed part (COINr cannot normalise without a coin, and its checks are
# the counterpart of the engine's validation); its own time is also returned separately.
run_build <- function(d, treat) {
  t0 <- now()
  coin <- new_coin(d$iData, d$iMeta, quietly = TRUE)
  t1 <- now()
  dset <- "Raw"
  if (treat) {
    coin <- Treat(coin, dset = "Raw")
    dset <- "Treated"
  }
  coin <- Normalise(coin, dset = dset,
                    global_specs = list(f_n = "n_minmax", f_n_para = list(l_u = c(0, 100))))
  coin <- Aggregate(coin, dset = "Normalised", f_ag = "a_amean")
  scores <- coin$Data$Aggregated
  t2 <- now()
  list(total = t2 - t0, new_coin = t1 - t0, scores = scores)
}

# Rank normalisation shifted to [1, ...] as the engine's geometric mean sees it (x* = 1 + 0.99 x,
# see indicators/methods/aggregate.py): COINr's a_gmean() stops on values <= 0 and does not
# shift, so the geometric-mean alternatives feed it the shifted values directly. Found by
# Normalise() through do.call() from the global environment.
n_rank_shift <- function(x) 1 + 0.99 * rank(x, ties.method = "min", na.last = "keep")

# The uncertainty analysis that mirrors indicators.uncertainty.uncertainty() with its defaults
# (see benchmarks/README.md for what differs). Everything from the tables to the RankStats is
# timed: the nominal coin (the engine builds its nominal inside uncertainty() too), the noisy
# weights and get_sensitivity().
run_ua <- function(d, N, seed) {
  t0 <- now()
  set.seed(seed)
  coin <- new_coin(d$iData, d$iMeta, quietly = TRUE)
  t1 <- now()
  # nominal: no treatment (Treat disabled, so that the treatment can be switched on per run),
  # min-max 0-100, arithmetic mean; COINr's dat_thresh = NULL as in the engine's min_coverage 0
  coin <- Treat(coin, dset = "Raw", disable = TRUE)
  coin <- Normalise(coin, dset = "Treated",
                    global_specs = list(f_n = "n_minmax", f_n_para = list(l_u = c(0, 100))))
  coin <- Aggregate(coin, dset = "Normalised", f_ag = "a_amean")
  icode <- index_code(d$iMeta)
  levels <- sort(unique(coin$Meta$Ind$Level))

  # normalisation and aggregation are one joint choice, so that z-scores (which a geometric
  # mean cannot take) always aggregate arithmetically, with the engine's probabilities:
  # min-max, z-score, rank 1/3 each; min-max and rank then arithmetic or geometric 1/2 each.
  # Each alternative is the whole coin log with Normalise and Aggregate changed; the other
  # uncertain inputs edit the log after it (SA_specs are applied in order).
  method_log <- function(f_n, f_n_para, f_ag) {
    log <- coin$Log
    log$Normalise$global_specs <- list(f_n = f_n, f_n_para = f_n_para)
    log$Aggregate$f_ag <- f_ag
    log
  }
  methods <- list(
    method_log("n_minmax", list(l_u = c(0, 100)), "a_amean"),
    method_log("n_minmax", list(l_u = c(1, 100)), "a_gmean"),  # = engine's shifted gmean
    method_log("n_rank", NULL, "a_amean"),
    method_log("n_rank_shift", NULL, "a_gmean"),
    method_log("n_zscore", NULL, "a_amean"),
    method_log("n_zscore", NULL, "a_amean")
  )
  # every weight times U(0.75, 1.25): get_noisy_weights adds (2u - 1) * 0.25 * w at each level
  noise <- data.frame(Level = levels[levels < max(levels)], NoiseFactor = 0.25)
  noisy <- get_noisy_weights(w = coin$Meta$Weights$Original, noise_specs = noise, Nrep = N)
  inds <- coin$Meta$Ind$iCode[coin$Meta$Ind$Type == "Indicator"]
  specs <- list(
    Method = list(Address = "$Log", Distribution = methods, Type = "discrete"),
    Treatment = list(Address = "$Log$Treat$disable", Distribution = c(TRUE, FALSE),
                     Type = "discrete"),
    Weights = list(Address = "$Log$Aggregate$w", Distribution = noisy, Type = "discrete"),
    Drop = list(Address = "$Log$new_coin$exclude", Distribution = c(list(NULL), as.list(inds)),
                Type = "discrete")
  )
  sa <- get_sensitivity(coin, SA_specs = specs, N = N, SA_type = "UA", dset = "Aggregated",
                        iCode = icode, quietly = TRUE, check_addresses = FALSE)
  stats <- sa$RankStats
  t2 <- now()
  failed <- sum(colSums(is.na(sa$Scores[grepl("^r_", names(sa$Scores))])) == nrow(sa$Scores))
  list(total = t2 - t0, new_coin = t1 - t0, stats = stats, failed = failed)
}

handle <- function(tokens) {
  cmd <- tokens[1]
  if (cmd == "ping") {
    answer(list(ok = TRUE, coinr = as.character(utils::packageVersion("COINr")),
                r = paste(R.version$major, R.version$minor, sep = ".")))
  } else if (cmd == "load") {
    datasets[[tokens[2]]] <<- list(iData = read_table(tokens[3]), iMeta = read_table(tokens[4]))
    answer(list(ok = TRUE))
  } else if (cmd == "build") {
    d <- datasets[[tokens[2]]]
    treat <- tokens[3] == "1"
    reps <- as.integer(tokens[4])
    total <- numeric(reps)
    nc <- numeric(reps)
    for (i in seq_len(reps)) {
      r <- run_build(d, treat)
      total[i] <- r$total
      nc[i] <- r$new_coin
    }
    if (length(tokens) >= 5) {
      write_scores(r$scores[c("uCode", index_code(d$iMeta))], tokens[5])
    }
    answer(list(ok = TRUE, total_s = total, new_coin_s = nc))
  } else if (cmd == "ua") {
    d <- datasets[[tokens[2]]]
    N <- as.integer(tokens[3])
    seed <- as.integer(tokens[4])
    reps <- as.integer(tokens[5])
    total <- numeric(reps)
    nc <- numeric(reps)
    for (i in seq_len(reps)) {
      r <- run_ua(d, N, seed + i - 1)
      total[i] <- r$total
      nc[i] <- r$new_coin
    }
    if (length(tokens) >= 6) {
      write_scores(r$stats, tokens[6])
    }
    answer(list(ok = TRUE, total_s = total, new_coin_s = nc, failed_runs = r$failed))
  } else if (cmd == "export_asem") {
    write_scores(COINr::ASEM_iData, file.path(tokens[2], "asem_idata.csv"))
    write_scores(COINr::ASEM_iMeta, file.path(tokens[2], "asem_imeta.csv"))
    answer(list(ok = TRUE))
  } else {
    answer(list(ok = FALSE, error = paste("unknown command", cmd)))
  }
}

input <- file("stdin", open = "r")
repeat {
  line <- readLines(input, n = 1)
  if (length(line) == 0 || line == "quit") break
  tokens <- strsplit(trimws(line), " ", fixed = TRUE)[[1]]
  tryCatch(handle(tokens), error = function(e) {
    answer(list(ok = FALSE, error = conditionMessage(e)))
  })
}

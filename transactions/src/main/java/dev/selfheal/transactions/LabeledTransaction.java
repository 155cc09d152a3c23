package dev.selfheal.transactions;

/** A transaction with its true outcome, as in the training data and the golden set. */
public record LabeledTransaction(Transaction transaction, boolean fraud) {}

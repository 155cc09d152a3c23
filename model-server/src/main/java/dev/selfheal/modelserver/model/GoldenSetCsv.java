package dev.selfheal.modelserver.model;

import dev.selfheal.transactions.LabeledTransaction;
import dev.selfheal.transactions.MerchantCategory;
import dev.selfheal.transactions.Transaction;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes labelled transactions as CSV, the format of the shipped golden set.
 *
 * <p>Columns: {@value #HEADER}. Amounts have at most two decimals and distances one, so {@link
 * Double#toString} round-trips them exactly.
 */
public final class GoldenSetCsv {

  /** The header line. */
  public static final String HEADER =
      "amount,hour,distance_from_home_km,transactions_last_24h,merchant_category,card_present,label";

  private static final int COLUMNS = 7;

  private GoldenSetCsv() {}

  /** Writes the header and one line per row. */
  public static void write(List<LabeledTransaction> rows, Writer out) throws IOException {
    out.write(HEADER);
    out.write('\n');
    for (LabeledTransaction row : rows) {
      Transaction t = row.transaction();
      out.write(
          String.join(
              ",",
              Double.toString(t.amount()),
              Integer.toString(t.hour()),
              Double.toString(t.distanceFromHomeKm()),
              Integer.toString(t.transactionsLast24h()),
              t.merchantCategory().jsonName(),
              Boolean.toString(t.cardPresent()),
              row.fraud() ? FeatureEncoder.FRAUD : FeatureEncoder.LEGITIMATE));
      out.write('\n');
    }
  }

  /**
   * Parses CSV written by {@link #write}.
   *
   * @throws IllegalArgumentException naming the line for a malformed row
   * @throws UncheckedIOException when reading fails
   */
  public static List<LabeledTransaction> read(BufferedReader in) {
    List<LabeledTransaction> rows = new ArrayList<>();
    try {
      String header = in.readLine();
      if (!HEADER.equals(header)) {
        throw new IllegalArgumentException("golden set: unexpected header '" + header + "'");
      }
      int lineNumber = 1;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNumber++;
        if (!line.isBlank()) {
          rows.add(parse(line, lineNumber));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("golden set: cannot read", e);
    }
    return List.copyOf(rows);
  }

  private static LabeledTransaction parse(String line, int lineNumber) {
    String[] cells = line.split(",", -1);
    if (cells.length != COLUMNS) {
      throw new IllegalArgumentException(
          "golden set line " + lineNumber + ": expected " + COLUMNS + " columns");
    }
    try {
      Transaction transaction =
          new Transaction(
              Double.parseDouble(cells[0]),
              Integer.parseInt(cells[1]),
              Double.parseDouble(cells[2]),
              Integer.parseInt(cells[3]),
              MerchantCategory.fromJson(cells[4]),
              parseBoolean(cells[5]));
      return new LabeledTransaction(transaction, parseLabel(cells[6]));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "golden set line " + lineNumber + ": " + e.getMessage(), e);
    }
  }

  private static boolean parseBoolean(String cell) {
    return switch (cell) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("card_present must be true or false");
    };
  }

  private static boolean parseLabel(String cell) {
    return switch (cell) {
      case FeatureEncoder.FRAUD -> true;
      case FeatureEncoder.LEGITIMATE -> false;
      default -> throw new IllegalArgumentException("label must be fraud or legitimate");
    };
  }
}

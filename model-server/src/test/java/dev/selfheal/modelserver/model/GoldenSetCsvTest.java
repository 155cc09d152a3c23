package dev.selfheal.modelserver.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.selfheal.transactions.LabeledTransaction;
import dev.selfheal.transactions.MerchantCategory;
import dev.selfheal.transactions.Transaction;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoldenSetCsvTest {

  private static final List<LabeledTransaction> ROWS =
      List.of(
          new LabeledTransaction(
              new Transaction(12.34, 0, 0.1, 0, MerchantCategory.FUEL, true), false),
          new LabeledTransaction(
              new Transaction(49_999.99, 23, 19_999.9, 1000, MerchantCategory.ONLINE, false),
              true));

  @Test
  void roundTripsExactly() throws IOException {
    StringWriter out = new StringWriter();
    GoldenSetCsv.write(ROWS, out);

    assertThat(out.toString())
        .startsWith(GoldenSetCsv.HEADER + "\n12.34,0,0.1,0,fuel,true,legitimate\n");
    assertThat(read(out.toString())).isEqualTo(ROWS);
  }

  @Test
  void rejectsAnUnexpectedHeader() {
    assertThatExceptionOfType(IllegalArgumentException.class)
        .isThrownBy(() -> read("amount,hour\n1,2\n"))
        .withMessageContaining("unexpected header");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "12.34,0,0.1,0,fuel,true|expected 7 columns",
        "12.34,0,0.1,0,fuel,yes,fraud|card_present must be true or false",
        "12.34,0,0.1,0,fuel,true,maybe|label must be fraud or legitimate",
        "-5,0,0.1,0,fuel,true,fraud|amount must be",
        "12.34,25,0.1,0,fuel,true,fraud|hour must be",
        "12.34,x,0.1,0,fuel,true,fraud|For input string",
        "12.34,1,0.1,0,casino,true,fraud|merchant_category must be"
      })
  void namesTheBadLine(String line, String problem) {
    assertThatExceptionOfType(IllegalArgumentException.class)
        .isThrownBy(() -> read(GoldenSetCsv.HEADER + "\n12.34,0,0.1,0,fuel,true,fraud\n" + line))
        .withMessageStartingWith("golden set line 3: ")
        .withMessageContaining(problem);
  }

  @Test
  void skipsBlankLines() {
    assertThat(read(GoldenSetCsv.HEADER + "\n\n12.34,0,0.1,0,fuel,true,legitimate\n\n"))
        .containsExactly(ROWS.get(0));
  }

  private static List<LabeledTransaction> read(String csv) {
    return GoldenSetCsv.read(new BufferedReader(new StringReader(csv)));
  }
}

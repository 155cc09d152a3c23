package dev.selfheal.transactions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TransactionTest {

  private static final double AMOUNT = 25.0;
  private static final int HOUR = 12;
  private static final double DISTANCE = 3.0;
  private static final int RECENT = 2;
  private static final MerchantCategory CATEGORY = MerchantCategory.GROCERY;

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("amount zero", (Runnable) () -> amount(0), "amount"),
        Arguments.of("amount negative", (Runnable) () -> amount(-1), "amount"),
        Arguments.of("amount NaN", (Runnable) () -> amount(Double.NaN), "amount"),
        Arguments.of(
            "amount infinite", (Runnable) () -> amount(Double.POSITIVE_INFINITY), "amount"),
        Arguments.of("amount too large", (Runnable) () -> amount(1_000_000.01), "amount"),
        Arguments.of("hour negative", (Runnable) () -> hour(-1), "hour"),
        Arguments.of("hour 24", (Runnable) () -> hour(24), "hour"),
        Arguments.of("distance negative", (Runnable) () -> distance(-0.1), "distance_from_home_km"),
        Arguments.of(
            "distance NaN", (Runnable) () -> distance(Double.NaN), "distance_from_home_km"),
        Arguments.of(
            "distance too far", (Runnable) () -> distance(20_000.5), "distance_from_home_km"),
        Arguments.of("recent negative", (Runnable) () -> recent(-1), "transactions_last_24h"),
        Arguments.of("recent too many", (Runnable) () -> recent(1001), "transactions_last_24h"),
        Arguments.of(
            "category missing",
            (Runnable) () -> new Transaction(AMOUNT, HOUR, DISTANCE, RECENT, null, true),
            "merchant_category"),
        Arguments.of(
            "category unknown",
            (Runnable) () -> MerchantCategory.fromJson("casino"),
            "merchant_category"),
        Arguments.of(
            "category upper case",
            (Runnable) () -> MerchantCategory.fromJson("GROCERY"),
            "merchant_category"),
        Arguments.of(
            "category null",
            (Runnable) () -> MerchantCategory.fromJson(null),
            "merchant_category"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void invalidFieldIsNamed(String description, Runnable construct, String field) {
    assertThatExceptionOfType(InvalidTransactionException.class)
        .isThrownBy(construct::run)
        .satisfies(e -> assertThat(e.field()).isEqualTo(field))
        .withMessageStartingWith(field + " ")
        .withMessageNotContaining("Exception");
  }

  @Test
  void boundsAreInclusiveWhereDocumented() {
    assertThat(amount(Transaction.MAX_AMOUNT).amount()).isEqualTo(1_000_000);
    assertThat(amount(0.01).amount()).isEqualTo(0.01);
    assertThat(hour(0).hour()).isZero();
    assertThat(hour(23).hour()).isEqualTo(23);
    assertThat(distance(0).distanceFromHomeKm()).isZero();
    assertThat(distance(Transaction.MAX_DISTANCE_KM).distanceFromHomeKm()).isEqualTo(20_000);
    assertThat(recent(0).transactionsLast24h()).isZero();
    assertThat(recent(Transaction.MAX_TRANSACTIONS_24H).transactionsLast24h()).isEqualTo(1000);
  }

  @ParameterizedTest
  @ValueSource(strings = {"grocery", "restaurant", "fuel", "travel", "electronics", "online"})
  void categoriesRoundTripTheirJsonName(String json) {
    assertThat(MerchantCategory.fromJson(json).jsonName()).isEqualTo(json);
  }

  private static Transaction amount(double amount) {
    return new Transaction(amount, HOUR, DISTANCE, RECENT, CATEGORY, true);
  }

  private static Transaction hour(int hour) {
    return new Transaction(AMOUNT, hour, DISTANCE, RECENT, CATEGORY, true);
  }

  private static Transaction distance(double distance) {
    return new Transaction(AMOUNT, HOUR, distance, RECENT, CATEGORY, true);
  }

  private static Transaction recent(int recent) {
    return new Transaction(AMOUNT, HOUR, DISTANCE, recent, CATEGORY, true);
  }
}

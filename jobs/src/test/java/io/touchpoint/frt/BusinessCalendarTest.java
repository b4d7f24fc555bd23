package io.touchpoint.frt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class BusinessCalendarTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final BusinessCalendar OFFICE = BusinessCalendar.parse("Europe/Berlin; mon-fri 09:00-18:00");

    private static long berlin(String local) {
        return LocalDateTime.parse(local).atZone(BERLIN).toInstant().toEpochMilli();
    }

    @Test
    void fridayEveningToMondayMorningCountsOnlyOpenTime() {
        // Friday 2026-11-20 17:50 -> Monday 2026-11-23 09:10: 10 min on Friday + 10 min on Monday
        assertThat(OFFICE.openSecondsBetween(berlin("2026-11-20T17:50"), berlin("2026-11-23T09:10"))).isEqualTo(1200.0);
    }

    @Test
    void aHolidayIsClosedAllDay() {
        BusinessCalendar withHoliday = BusinessCalendar.parse("Europe/Berlin; mon-fri 09:00-18:00; holidays 2026-11-23");
        // Monday is a holiday: Friday 10 min + Tuesday 10 min
        assertThat(withHoliday.openSecondsBetween(berlin("2026-11-20T17:50"), berlin("2026-11-24T09:10")))
                .isEqualTo(1200.0);
        assertThat(withHoliday.isOpen(berlin("2026-11-23T12:00"))).isFalse();
        assertThat(withHoliday.isOpen(berlin("2026-11-24T12:00"))).isTrue();
    }

    @Test
    void severalRangesADayAndOvernightRanges() {
        BusinessCalendar split = BusinessCalendar.parse("UTC; mon-fri 08:00-12:00,13:00-17:00; fri 22:00-02:00");
        long friday11 = Instant.parse("2026-11-20T11:00:00Z").toEpochMilli();
        long friday14 = Instant.parse("2026-11-20T14:00:00Z").toEpochMilli();
        // 11:00-12:00 and 13:00-14:00
        assertThat(split.openSecondsBetween(friday11, friday14)).isEqualTo(7200.0);
        // Friday 23:00 to Saturday 03:00: open until 02:00 = 3 h
        assertThat(split.openSecondsBetween(Instant.parse("2026-11-20T23:00:00Z").toEpochMilli(),
                Instant.parse("2026-11-21T03:00:00Z").toEpochMilli())).isEqualTo(10_800.0);
        assertThat(split.isOpen(Instant.parse("2026-11-21T01:30:00Z").toEpochMilli())).isTrue();
        assertThat(split.isOpen(Instant.parse("2026-11-20T12:30:00Z").toEpochMilli())).isFalse();
    }

    @Test
    void theDaylightSavingChangeDayHas25Hours() {
        BusinessCalendar always = BusinessCalendar.parse("Europe/Berlin; daily 00:00-24:00");
        // clocks go back on 2026-10-25 in Berlin
        assertThat(always.openSecondsBetween(berlin("2026-10-25T00:00"), berlin("2026-10-26T00:00"))).isEqualTo(90_000.0);
        // a 09:00-18:00 day is still 9 hours
        assertThat(BusinessCalendar.parse("Europe/Berlin; daily 09:00-18:00")
                .openSecondsBetween(berlin("2026-10-25T00:00"), berlin("2026-10-26T00:00"))).isEqualTo(32_400.0);
    }

    @Test
    void theSlaDeadlineIsWhenOpenTimeReachesTheTarget() {
        // 4 h target from Friday 17:50: 10 min on Friday, 3 h 50 min on Monday -> Monday 12:50
        assertThat(OFFICE.instantAfterOpen(berlin("2026-11-20T17:50"), 4 * 3_600_000L)).isEqualTo(berlin("2026-11-23T12:50"));
        // starting on a Saturday: the clock only runs from Monday 09:00
        assertThat(OFFICE.instantAfterOpen(berlin("2026-11-21T10:00"), 60_000L)).isEqualTo(berlin("2026-11-23T09:01"));
        assertThat(BusinessCalendar.always().instantAfterOpen(1_000L, 60_000L)).isEqualTo(61_000L);
    }

    @Test
    void badSpecsSayWhatIsWrong() {
        assertThatThrownBy(() -> BusinessCalendar.parse("Mars/Olympus; mon-fri 09:00-18:00"))
                .hasMessageContaining("time zone");
        assertThatThrownBy(() -> BusinessCalendar.parse("UTC; funday 09:00-18:00"))
                .hasMessage("'funday' is not a day (mon, tue, ..., sun, daily)");
        assertThatThrownBy(() -> BusinessCalendar.parse("UTC; mon 9-18"))
                .hasMessage("opening hours '9-18' must look like 09:00-18:00");
        assertThatThrownBy(() -> BusinessCalendar.parse("UTC; holidays 25.12.2026"))
                .hasMessage("holiday '25.12.2026' is not a date like 2026-12-25");
    }
}

package io.touchpoint.frt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class BusinessCalendarTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    /** 2026-11-20 is a Friday, 2026-11-23 a Monday. */
    private static final BusinessCalendar OFFICE = BusinessCalendar.parse("Europe/Berlin; mon-fri 09:00-18:00");

    static long berlin(String local) {
        return LocalDateTime.parse(local).atZone(BERLIN).toInstant().toEpochMilli();
    }

    static long utc(String local) {
        return Instant.parse(local + ":00Z").toEpochMilli();
    }

    @Test
    void fridayEveningToMondayMorningCountsOnlyOpenTime() {
        // Friday 17:50-18:00 (600 s) + Monday 09:00-09:10 (600 s)
        assertThat(OFFICE.openSecondsBetween(berlin("2026-11-20T17:50"), berlin("2026-11-23T09:10"))).isEqualTo(1200.0);
        assertThat(OFFICE.isOpen(berlin("2026-11-20T17:59"))).isTrue();
        assertThat(OFFICE.isOpen(berlin("2026-11-20T18:00"))).isFalse();
        assertThat(OFFICE.isOpen(berlin("2026-11-22T12:00"))).isFalse();
        assertThat(OFFICE.isOpen(berlin("2026-11-23T09:00"))).isTrue();
    }

    @Test
    void aHolidayIsClosedAllDay() {
        BusinessCalendar withHoliday = BusinessCalendar.parse(
                "Europe/Berlin; mon-fri 09:00-18:00; holidays 2026-11-23,2026-12-25");
        // Monday is a holiday: Friday 17:50-18:00 + Tuesday 09:00-09:10
        assertThat(withHoliday.openSecondsBetween(berlin("2026-11-20T17:50"), berlin("2026-11-24T09:10")))
                .isEqualTo(1200.0);
        assertThat(withHoliday.isOpen(berlin("2026-11-23T12:00"))).isFalse();
        assertThat(withHoliday.isOpen(berlin("2026-11-24T12:00"))).isTrue();
    }

    @Test
    void severalRangesADayAreMergedWhenTheyOverlap() {
        // 2026-11-16 is a Monday: 08:00-12:30 (4.5 h, the second range extends the first) + 13:00-17:00 (4 h)
        BusinessCalendar split = BusinessCalendar.parse("UTC; mon 08:00-12:00,13:00-17:00; mon 11:00-12:30");
        assertThat(split.openSecondsBetween(utc("2026-11-16T00:00"), utc("2026-11-17T00:00"))).isEqualTo(30_600.0);
        assertThat(split.isOpen(utc("2026-11-16T12:15"))).isTrue();
        assertThat(split.isOpen(utc("2026-11-16T12:45"))).isFalse();
    }

    @Test
    void dayListsAndWrappingSpans() {
        // mon 1 h + 1 h, tue 1 h, wed 1 h, thu none, fri 1 h, sat 1 h, sun 1 h = 7 h in the week from Monday 2026-11-16
        BusinessCalendar days = BusinessCalendar.parse("UTC; mon-wed,fri 09:00-10:00; sat-mon 12:00-13:00");
        assertThat(days.openSecondsBetween(utc("2026-11-16T00:00"), utc("2026-11-23T00:00"))).isEqualTo(25_200.0);
    }

    @Test
    void anOvernightRangeContinuesIntoTheNextDay() {
        BusinessCalendar night = BusinessCalendar.parse("UTC; fri 22:00-02:00");
        // Friday 23:00 -> Saturday 03:00: open 23:00-02:00 = 3 h
        assertThat(night.openSecondsBetween(utc("2026-11-20T23:00"), utc("2026-11-21T03:00"))).isEqualTo(10_800.0);
        assertThat(night.isOpen(utc("2026-11-21T01:59"))).isTrue();
        assertThat(night.isOpen(utc("2026-11-21T02:00"))).isFalse();
        assertThat(night.isOpen(utc("2026-11-19T23:00"))).isFalse(); // Thursday night

        // Saturday a holiday: only Friday's 23:00-24:00 remains
        BusinessCalendar holiday = BusinessCalendar.parse("UTC; fri 22:00-02:00; holidays 2026-11-21");
        assertThat(holiday.openSecondsBetween(utc("2026-11-20T23:00"), utc("2026-11-21T03:00"))).isEqualTo(3_600.0);
    }

    @Test
    void daylightSavingDaysHave23Or25Hours() {
        BusinessCalendar sundayNight = BusinessCalendar.parse("Europe/Berlin; sun 00:00-06:00");
        // 2026-03-29: clocks jump 02:00 -> 03:00, so 00:00-06:00 is 23:00Z-04:00Z = 5 h
        assertThat(sundayNight.openSecondsBetween(berlin("2026-03-28T12:00"), berlin("2026-03-29T12:00")))
                .isEqualTo(18_000.0);
        // 2026-10-25: clocks fall back 03:00 -> 02:00, so 00:00-06:00 is 22:00Z-05:00Z = 7 h
        assertThat(sundayNight.openSecondsBetween(berlin("2026-10-24T12:00"), berlin("2026-10-25T12:00")))
                .isEqualTo(25_200.0);

        // Friday 2026-10-23 17:00 CEST to Monday 10:00 CET under 09:00-18:00: 1 h + 1 h, the extra hour is closed
        assertThat(OFFICE.openSecondsBetween(berlin("2026-10-23T17:00"), berlin("2026-10-26T10:00")))
                .isEqualTo(7_200.0);
        // and the whole of the 25-hour day under a 24-hour calendar is 25 h
        BusinessCalendar allDay = BusinessCalendar.parse("Europe/Berlin; daily 00:00-24:00");
        assertThat(allDay.openSecondsBetween(berlin("2026-10-25T00:00"), berlin("2026-10-26T00:00")))
                .isEqualTo(90_000.0);
    }

    @Test
    void deadlineIsWhereTheOpenTimeExceedsTheBudget() {
        long fourHours = 14_400_000L;
        // Friday 16:00: 2 h left on Friday, 2 h on Monday -> Monday 11:00
        assertThat(OFFICE.deadline(berlin("2026-11-20T16:00"), fourHours)).isEqualTo(berlin("2026-11-23T11:00"));
        // Saturday: nothing until Monday 09:00 -> Monday 13:00
        assertThat(OFFICE.deadline(berlin("2026-11-21T12:00"), fourHours)).isEqualTo(berlin("2026-11-23T13:00"));
        // Friday 14:00: the budget runs out exactly at closing; a reply before Monday 09:00 is still 4 h of open
        // time, so the deadline is the next opening
        long deadline = OFFICE.deadline(berlin("2026-11-20T14:00"), fourHours);
        assertThat(deadline).isEqualTo(berlin("2026-11-23T09:00"));
        assertThat(OFFICE.openSecondsBetween(berlin("2026-11-20T14:00"), deadline)).isEqualTo(14_400.0);
        assertThat(OFFICE.openSecondsBetween(berlin("2026-11-20T14:00"), deadline + 1)).isEqualTo(14_400.001);
    }

    @Test
    void alwaysIsElapsedTime() {
        BusinessCalendar always = BusinessCalendar.always();
        assertThat(always.openSecondsBetween(berlin("2026-11-20T17:50"), berlin("2026-11-23T09:10")))
                .isEqualTo(228_000.0); // 2 days 15 h 20 min
        assertThat(always.isOpen(berlin("2026-11-22T03:00"))).isTrue();
        assertThat(always.deadline(1_000L, 60_000L)).isEqualTo(61_000L);
        assertThat(BusinessCalendar.parse(" Always ")).isEqualTo(always);
        assertThat(always.openSecondsBetween(5_000L, 1_000L)).isZero();
    }

    @Test
    void parseErrorsNameTheCalendarAndThePart() {
        assertThatThrownBy(() -> BusinessCalendar.parse("Europe/Berln; mon-fri 09:00-18:00"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("business calendar 'Europe/Berln; mon-fri 09:00-18:00': 'Europe/Berln' is not a time "
                        + "zone; start with one such as 'Europe/Berlin' or 'UTC'");
        assertThatThrownBy(() -> BusinessCalendar.parse("UTC; mo-fr 09:00-18:00"))
                .hasMessage("business calendar 'UTC; mo-fr 09:00-18:00': 'mo' is not a day: use mon, tue, wed, thu, "
                        + "fri, sat, sun or daily");
        assertThatThrownBy(() -> BusinessCalendar.parse("UTC; mon-fri 9-18"))
                .hasMessage("business calendar 'UTC; mon-fri 9-18': opening hours '9-18' must look like 09:00-18:00");
        assertThatThrownBy(() -> BusinessCalendar.parse("UTC; mon 09:00-25:00"))
                .hasMessage("business calendar 'UTC; mon 09:00-25:00': opening hours '09:00-25:00': 25:00 is not a "
                        + "time of day (00:00 to 23:59, or 24:00 as an end)");
        assertThatThrownBy(() -> BusinessCalendar.parse("UTC; mon 09:00-09:00"))
                .hasMessage("business calendar 'UTC; mon 09:00-09:00': opening hours '09:00-09:00' are empty; use "
                        + "00:00-24:00 for a whole day");
        assertThatThrownBy(() -> BusinessCalendar.parse("UTC; mon 09:00-18:00; holidays 2026-13-01"))
                .hasMessage("business calendar 'UTC; mon 09:00-18:00; holidays 2026-13-01': holiday '2026-13-01' is "
                        + "not a date like 2026-12-25");
        assertThatThrownBy(() -> BusinessCalendar.parse("UTC; holidays 2026-12-25"))
                .hasMessage("business calendar 'UTC; holidays 2026-12-25': no opening hours; add e.g. "
                        + "'mon-fri 09:00-18:00', or use 'always' for 24/7");
        assertThatThrownBy(() -> BusinessCalendar.parse("UTC; mon-fri"))
                .hasMessage("business calendar 'UTC; mon-fri': part 'mon-fri' needs days and hours "
                        + "(e.g. 'mon-fri 09:00-18:00') or 'holidays 2026-12-25'");
        assertThatThrownBy(() -> BusinessCalendar.parse(" "))
                .hasMessage("business calendar is empty: expected e.g. 'Europe/Berlin; mon-fri 09:00-18:00' or "
                        + "'always'");
    }
}

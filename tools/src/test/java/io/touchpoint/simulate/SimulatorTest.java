package io.touchpoint.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoint.avro.Channel;
import io.touchpoint.avro.InteractionEvent;
import io.touchpoint.avro.InteractionType;
import io.touchpoint.avro.SurveyResponse;
import io.touchpoint.ingest.FieldRules;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class SimulatorTest {

    private static final Instant START = Instant.parse("2026-11-02T08:00:00Z");

    private static List<SpecificRecord> run(Scenario scenario, long seed, Duration duration) {
        List<SpecificRecord> records = new ArrayList<>();
        new Simulator(scenario, START, duration, seed).forEachRemaining(records::add);
        return records;
    }

    private static long at(SpecificRecord r) {
        return r instanceof InteractionEvent e ? e.getOccurredAt().toEpochMilli()
                : ((SurveyResponse) r).getOccurredAt().toEpochMilli();
    }

    @Test
    void theSameSeedGivesTheSameTrafficAndAnotherSeedOtherTraffic() {
        List<SpecificRecord> a = run(Scenario.steady(), 42, Duration.ofHours(2));
        assertThat(a).isEqualTo(run(Scenario.steady(), 42, Duration.ofHours(2)));
        assertThat(a).isNotEqualTo(run(Scenario.steady(), 43, Duration.ofHours(2)));
        assertThat(a.size()).isGreaterThan(2000);
    }

    @Test
    void recordsAreInEventTimeOrderWithinThePeriodAndValid() {
        List<SpecificRecord> records = run(Scenario.steady(), 5, Duration.ofHours(3));
        FieldRules rules = new FieldRules(0);
        long now = START.plus(Duration.ofHours(3)).toEpochMilli();
        Set<String> ids = new HashSet<>();
        Set<Channel> channels = new HashSet<>();
        Set<InteractionType> types = new HashSet<>();
        long previous = Long.MIN_VALUE;
        for (SpecificRecord r : records) {
            assertThat(at(r)).isGreaterThanOrEqualTo(previous).isLessThan(now);
            previous = at(r);
            if (r instanceof InteractionEvent e) {
                assertThat(rules.check(e, now)).isNull();
                assertThat(ids.add(e.getEventId())).isTrue();
                channels.add(e.getChannel());
                types.add(e.getType());
            } else {
                assertThat(rules.check((SurveyResponse) r, now)).isNull();
                assertThat(ids.add(((SurveyResponse) r).getResponseId())).isTrue();
            }
        }
        assertThat(channels).containsExactlyInAnyOrder(Channel.PHONE, Channel.EMAIL, Channel.CHAT, Channel.SOCIAL,
                Channel.SMS, Channel.WEB, Channel.APP, Channel.STORE);
        assertThat(types).contains(InteractionType.BOT_MESSAGE, InteractionType.INTERNAL_NOTE,
                InteractionType.CONVERSATION_REOPENED, InteractionType.CUSTOMER_ABANDONED,
                InteractionType.CANCELLATION_REQUESTED, InteractionType.CONVERSATION_RESOLVED);
    }

    @Test
    void theEmailOutageSlowsEmailRepliesInTheSecondHalf() {
        // Ten days, outage from day 5: compare e-mails opened before day 4 with those opened on day 5 (whose slow
        // replies still arrive before the run ends).
        Duration duration = Duration.ofDays(10);
        long day = Duration.ofDays(1).toMillis();
        long start = START.toEpochMilli();
        Map<String, Long> opened = new HashMap<>();
        List<Long> before = new ArrayList<>();
        List<Long> during = new ArrayList<>();
        Set<String> answered = new HashSet<>();
        new Simulator(Scenario.named("email-outage"), START, duration, 9).forEachRemaining(r -> {
            if (r instanceof InteractionEvent e && e.getChannel() == Channel.EMAIL) {
                if (e.getType() == InteractionType.CUSTOMER_MESSAGE) {
                    opened.putIfAbsent(e.getConversationId(), e.getOccurredAt().toEpochMilli());
                } else if (e.getType() == InteractionType.AGENT_MESSAGE && answered.add(e.getConversationId())) {
                    long first = opened.get(e.getConversationId());
                    long delay = e.getOccurredAt().toEpochMilli() - first;
                    if (first < start + 4 * day) {
                        before.add(delay);
                    } else if (first >= start + 5 * day && first < start + 6 * day) {
                        during.add(delay);
                    }
                }
            }
        });
        assertThat(before.size()).isGreaterThan(100);
        assertThat(during.size()).isGreaterThan(20);
        assertThat(median(during)).isGreaterThan(3 * median(before));
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    @Test
    void scenariosComeFromFilesBuiltInOrGiven(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        assertThat(Scenario.builtIn()).containsExactly("steady", "email-outage", "chat-surge", "nps-drop",
                "chat-agents-offline");
        Scenario outage = Scenario.named("email-outage");
        assertThat(outage.incidentChannel()).isEqualTo(Channel.EMAIL);
        assertThat(outage.incidentFrom()).isEqualTo(0.5);
        assertThat(outage.replyDelayFactor()).isEqualTo(6.0);
        assertThat(outage.npsShift()).isEqualTo(-3.0);
        java.nio.file.Path file = dir.resolve("sms-storm.properties");
        java.nio.file.Files.writeString(file, "name = sms-storm\nincident.channel = SMS\narrival-factor = 5\n");
        Scenario storm = Scenario.named(file.toString());
        assertThat(storm.name()).isEqualTo("sms-storm");
        assertThat(storm.incidentChannel()).isEqualTo(Channel.SMS);
        assertThat(storm.incidentTo()).isEqualTo(1.0);
        assertThat(storm.arrivalFactor()).isEqualTo(5.0);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Scenario.named("tornado"))
                .hasMessage("unknown scenario 'tornado' (a file, or one of steady, email-outage, chat-surge, nps-drop, "
                        + "chat-agents-offline)");
    }
}

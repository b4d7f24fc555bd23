package io.touchpoint.frt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.touchpoint.avro.Channel;
import org.junit.jupiter.api.Test;

class SlaTargetsTest {

    @Test
    void defaultsFromTheSpec() {
        SlaTargets d = SlaTargets.defaults();
        assertThat(d.toString())
                .isEqualTo("phone=60,email=14400,chat=120,social=3600,sms=900,web=14400,app=3600,store=300,other=3600");
        assertThat(d.millis(Channel.CHAT)).isEqualTo(120_000L);
        assertThat(SlaTargets.parse("  ")).isEqualTo(d);
        assertThat(SlaTargets.parse(null)).isEqualTo(d);
    }

    @Test
    void overridesReplaceOnlyTheChannelsGiven() {
        SlaTargets t = SlaTargets.parse("chat=90, EMAIL = 7200,");
        assertThat(t.seconds(Channel.CHAT)).isEqualTo(90L);
        assertThat(t.seconds(Channel.EMAIL)).isEqualTo(7_200L);
        assertThat(t.seconds(Channel.PHONE)).isEqualTo(60L);
        assertThat(t.seconds(Channel.WEB)).isEqualTo(14_400L);
    }

    @Test
    void badOverridesSayWhatIsWrong() {
        assertThatThrownBy(() -> SlaTargets.parse("chatt=90"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SLA targets 'chatt=90': unknown channel 'chatt'; channels are phone, email, chat, social, "
                        + "sms, web, app, store, other");
        assertThatThrownBy(() -> SlaTargets.parse("chat=1.5"))
                .hasMessage("SLA targets 'chat=1.5': target of chat must be a whole number of seconds from 1 to "
                        + "31536000 (365 days), got '1.5'");
        assertThatThrownBy(() -> SlaTargets.parse("chat=0"))
                .hasMessage("SLA targets 'chat=0': target of chat must be a whole number of seconds from 1 to "
                        + "31536000 (365 days), got '0'");
        assertThatThrownBy(() -> SlaTargets.parse("chat 90"))
                .hasMessage("SLA targets 'chat 90': 'chat 90' must look like chat=90");
        assertThatThrownBy(() -> SlaTargets.parse("chat=90,Chat=100"))
                .hasMessage("SLA targets 'chat=90,Chat=100': chat is given twice");
    }
}

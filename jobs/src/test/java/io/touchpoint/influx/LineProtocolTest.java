package io.touchpoint.influx;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LineProtocolTest {

    @Test
    void integersFloatsSortedTagsAndMillisecondTime() {
        MetricPoint p = MetricPoint.builder("nps", 1_793_613_660_000L).tag("window", "1m").tag("channel", "chat")
                .count("responses", 10).value("nps", 30.0).value("nps_ci95_low", -19.051389493993252).build();
        assertThat(LineProtocol.encode(p))
                .isEqualTo("nps,channel=chat,window=1m responses=10i,nps=30.0,nps_ci95_low=-19.051389493993252 1793613660000");
    }

    @Test
    void tagValuesCannotInjectLinesOrTags() {
        MetricPoint p = MetricPoint.builder("nps_touchpoint", 1000).tag("channel", "chat")
                .tag("touchpoint", "a,b c=d\"e\nx y=1i 5\\").count("responses", 1).build();
        assertThat(LineProtocol.encode(p))
                .isEqualTo("nps_touchpoint,channel=chat,touchpoint=a\\,b\\ c\\=d\"e_x\\ y\\=1i\\ 5/ responses=1i 1000");
    }

    @Test
    void nonFiniteFieldsAreLeftOutAndAPointWithoutFieldsIsSkipped() {
        MetricPoint some = MetricPoint.builder("m", 1).tag("channel", "sms").value("a", Double.NaN).value("b", 2.5)
                .value("c", Double.POSITIVE_INFINITY).build();
        assertThat(LineProtocol.encode(some)).isEqualTo("m,channel=sms b=2.5 1");
        MetricPoint none = MetricPoint.builder("m", 1).tag("channel", "sms").value("a", Double.NaN).build();
        assertThat(LineProtocol.encode(none)).isNull();
    }
}

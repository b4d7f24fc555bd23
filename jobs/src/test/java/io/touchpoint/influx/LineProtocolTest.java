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

    @Test
    void wholeFloatsAreWrittenAsJavaWritesThem() {
        MetricPoint p = MetricPoint.builder("m", 60_000).value("a", 120).value("b", -3).value("c", 0)
                .value("d", -0.0).value("e", 9_999_999).value("f", 10_000_000).value("g", -10_000_000)
                .value("h", 0.5).value("i", 1e300).build();
        assertThat(LineProtocol.encode(p))
                .isEqualTo("m a=120.0,b=-3.0,c=0.0,d=-0.0,e=9999999.0,f=1.0E7,g=-1.0E7,h=0.5,i=1.0E300 60000");
    }

    @Test
    void linesAppendToABatchAndAPointWithoutFieldsAppendsNothing() {
        StringBuilder batch = new StringBuilder("x 1");
        MetricPoint none = MetricPoint.builder("m", 1).tag("channel", "sms").value("a", Double.NaN).build();
        assertThat(LineProtocol.appendTo(none, batch)).isFalse();
        assertThat(batch).hasToString("x 1");
        MetricPoint some = MetricPoint.builder("m", 2).tag("channel", "s ms").count("a", 7).build();
        batch.append('\n');
        assertThat(LineProtocol.appendTo(some, batch)).isTrue();
        assertThat(batch).hasToString("x 1\nm,channel=s\\ ms a=7i 2");
    }
}

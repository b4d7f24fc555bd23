package io.touchpoint.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;

/** Checks that types are Flink POJOs with no field left to Kryo (serialized by reflection, many times slower). */
public final class PojoTypes {

    private PojoTypes() {}

    public static void assertPojosWithoutGenericFields(Class<?>... types) {
        for (Class<?> type : types) {
            TypeInformation<?> info = TypeInformation.of(type);
            assertThat(info).as(type.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
            PojoTypeInfo<?> pojo = (PojoTypeInfo<?>) info;
            for (int i = 0; i < pojo.getArity(); i++) {
                assertThat(pojo.getPojoFieldAt(i).getTypeInformation())
                        .as(type.getSimpleName() + "." + pojo.getPojoFieldAt(i).getField().getName())
                        .isNotInstanceOf(GenericTypeInfo.class);
            }
        }
    }
}

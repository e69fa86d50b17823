package dev.agentgrid.controlplane.store;

import io.micronaut.configuration.jdbc.hikari.DatasourceConfiguration;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;

/**
 * Has the PostgreSQL driver send a JDBC batch of inserts as multi-row INSERT statements
 * ({@code reWriteBatchedInserts}): a batch of a thousand tasks or events then costs a few round
 * trips instead of a thousand. Set here rather than in the configuration file because the same
 * file also serves H2, whose driver rejects the property; a URL that sets it already wins.
 */
@Singleton
public class PostgresBatchInserts implements BeanCreatedEventListener<DatasourceConfiguration> {
    @Override
    public DatasourceConfiguration onCreated(BeanCreatedEvent<DatasourceConfiguration> event) {
        DatasourceConfiguration config = event.getBean();
        String url = config.getJdbcUrl() != null ? config.getJdbcUrl() : config.getUrl();
        if (url != null && url.startsWith("jdbc:postgresql:") && !url.contains("reWriteBatchedInserts")) {
            config.addDataSourceProperty("reWriteBatchedInserts", "true");
        }
        return config;
    }
}

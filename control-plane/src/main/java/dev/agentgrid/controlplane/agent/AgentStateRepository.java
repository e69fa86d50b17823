package dev.agentgrid.controlplane.agent;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.List;
import java.util.Optional;

/** Stores agent types' current status. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface AgentStateRepository extends CrudRepository<AgentState, String> {
    /** Reads and locks an agent type's row until the transaction ends. */
    @Query("SELECT * FROM agent_statuses WHERE agent_type = :agentType FOR UPDATE")
    Optional<AgentState> findByIdForUpdate(String agentType);

    /** Every agent type by name. */
    @Query("SELECT * FROM agent_statuses ORDER BY agent_type")
    List<AgentState> listAll();
}

package dev.agentgrid.bridge.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentgrid.bridge.testing.BridgeTestBase;
import dev.agentgrid.bridge.testing.ControlPlaneProcess;
import dev.agentgrid.bridge.testing.Poll;
import dev.agentgrid.bridge.testing.WorkerProcess;
import dev.agentgrid.proto.v1.GetTaskRequest;
import dev.agentgrid.proto.v1.Task;
import dev.agentgrid.proto.v1.TaskStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard in a real browser (Debian's headless Chromium through chromedriver), served by a
 * real bridge, in front of a real control plane, with a real worker process running a real agent
 * script: the user sees the worker and a running task's progress, clicks Approve on the agent's
 * question, and sees the task complete. Screenshots go to {@code target/dashboard-*.png}. Runs with
 * {@code -Dagentgrid.test.browser=true} (CI sets it), which needs Chromium and chromedriver.
 */
@EnabledIfSystemProperty(named = "agentgrid.test.browser", matches = "true")
class DashboardBrowserIT extends BridgeTestBase {
    private static final Duration UI_WAIT = Duration.ofSeconds(40);
    private static final int PORT = ControlPlaneProcess.freePort();
    private static final String AGENT = "browser-demo";

    @TempDir
    static Path tmp;

    private WorkerProcess worker;
    private WebDriver browser;

    @Override
    protected Map<String, String> bridgeProperties() {
        // The page is served by this bridge, so its origin must be on the allowlist.
        return Map.of("micronaut.server.port", String.valueOf(PORT),
                "agentgrid.bridge.allowed-origins", "http://localhost:" + PORT);
    }

    @BeforeAll
    void startWorkerAndBrowser() throws IOException {
        worker = WorkerProcess.start(plane.target(), "browser-test-worker", AGENT, """
                #!/bin/sh
                # Reports progress, asks a human, and finishes once answered.
                read -r task
                printf '{"agentgrid":"progress","percent":40,"stage":"drafting","message":"half way"}\\n'
                echo "drafting the release notes"
                printf '{"agentgrid":"hitl","id":"q1","question":"Ship the draft?","options":["approve","reject"]}\\n'
                while IFS= read -r line; do
                  case "$line" in *hitl_answer*) break ;; esac
                done
                printf '{"agentgrid":"progress","percent":100,"stage":"shipped"}\\n'
                printf '{"agentgrid":"result","output":{"shipped":true}}\\n'
                """, tmp.resolve("worker"));

        ChromeOptions options = new ChromeOptions();
        options.setBinary(System.getProperty("agentgrid.chromium", "/usr/bin/chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-dev-shm-usage", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1400,1000", "--user-data-dir=" + tmp.resolve("chromium-profile"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(System.getProperty("agentgrid.chromedriver", "/usr/bin/chromedriver"))
                        .toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    void stopWorkerAndBrowser() throws InterruptedException {
        if (browser != null) {
            browser.quit();
        }
        if (worker != null) {
            worker.close();
        }
    }

    private WebElement waitFor(By selector, java.util.function.Predicate<WebElement> condition, String what) {
        return Poll.until(() -> {
            List<WebElement> found = browser.findElements(selector);
            return found.stream().filter(e -> {
                try {
                    return condition.test(e);
                } catch (org.openqa.selenium.StaleElementReferenceException stale) {
                    return false;
                }
            }).findFirst().orElse(null);
        }, e -> e != null, UI_WAIT);
    }

    private void screenshot(String name) throws IOException {
        Path target = Path.of("target", "dashboard-" + name + ".png");
        Files.createDirectories(target.getParent());
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), target,
                StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void aUserWatchesATaskRunAnswersItsQuestionAndSeesItComplete() throws Exception {
        browser.get("http://localhost:" + PORT + "/");
        waitFor(By.id("connection"), e -> "connected".equals(e.getAttribute("data-state")), "live connection");

        waitFor(By.cssSelector(".worker"),
                e -> e.getText().contains("browser-test-worker") && e.getText().contains("online"), "the worker");
        screenshot("1-worker");

        String project = newProject("browser");
        Task task = newTask(project, AGENT, false);
        // The table re-renders as events arrive: everything about a row is read in one look.
        waitFor(By.cssSelector("tr[data-task-id='" + task.getId() + "']"),
                e -> "40".equals(e.findElement(By.tagName("progress")).getAttribute("value"))
                        && e.getText().contains(AGENT) && e.getText().contains("drafting"), "the task at 40 %");
        screenshot("2-progress");

        WebElement request = waitFor(By.cssSelector("#hitl .request"),
                e -> e.getText().contains("Ship the draft?"), "the agent's question in the inbox");
        screenshot("3-question");
        request.findElement(By.cssSelector("button.approve")).click();

        waitFor(By.cssSelector("tr[data-task-id='" + task.getId() + "']"),
                e -> "completed".equals(e.getAttribute("data-status")), "the task completed");
        waitFor(By.id("hitl-count"), e -> "0".equals(e.getText()), "an empty inbox");
        screenshot("4-completed");

        Task done = grpc().tasks.getTask(GetTaskRequest.newBuilder().setTaskId(task.getId()).build()).getTask();
        assertEquals(TaskStatus.TASK_STATUS_COMPLETED, done.getStatus());
        assertTrue(done.getOutput().getStructValue().getFieldsMap().get("shipped").getBoolValue());
    }
}

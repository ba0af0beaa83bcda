package dev.botops.ui.tables;

import dev.botops.ui.common.Formats;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Locale;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.OverrunStyle;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.control.TextField;
import javafx.geometry.Pos;

/** Thin view over {@link TablesViewModel}: a sortable table, a filter field and the VACUUM button. */
public final class TablesView {
    private static final DateTimeFormatter SHORT_TIME = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneId.systemDefault());

    private final TablesViewModel model;
    /** True while the rows are being replaced: the selection the table drops then is restored, not taken as the user's. */
    private boolean restoring;

    @FXML
    private Label summary;
    @FXML
    private TextField filter;
    @FXML
    private Button vacuumButton;
    @FXML
    private TableView<TableRow> table;
    @FXML
    private Label message;

    public TablesView(TablesViewModel model) {
        this.model = model;
    }

    @FXML
    private void initialize() {
        summary.textProperty().bind(model.summary());
        message.textProperty().bind(model.message());
        filter.textProperty().bindBidirectional(model.filter());
        vacuumButton.disableProperty().bind(model.selected().isNull().or(model.vacuumRunning()));
        vacuumButton.setOnAction(e -> model.vacuumSelected());

        TableColumn<TableRow, String> name = new TableColumn<>("Table");
        // Tables of the public schema without the prefix: more room for the figures.
        name.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().name().startsWith("public.")
                ? c.getValue().name().substring("public.".length()) : c.getValue().name()));
        // Partition and archive names tend to differ at their end: cut in the middle, the full name on hover.
        name.setCellFactory(c -> new TableCell<>() {
            private final Tooltip fullName = new Tooltip();

            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setTextOverrun(OverrunStyle.CENTER_ELLIPSIS);
                setText(empty ? null : item);
                if (empty || item == null) {
                    setTooltip(null);
                } else {
                    fullName.setText(getTableRow() != null && getTableRow().getItem() != null ? getTableRow().getItem().name() : item);
                    setTooltip(fullName);
                }
            }
        });
        name.setPrefWidth(170);
        name.setMinWidth(120);
        table.getColumns().add(name);
        table.getColumns().add(number("Total", 74, TableRow::totalBytes, Formats::bytes));
        table.getColumns().add(number("Heap", 74, TableRow::heapBytes, Formats::bytes));
        table.getColumns().add(number("Index", 76, TableRow::indexBytes, Formats::bytes));
        table.getColumns().add(number("TOAST", 72, TableRow::toastBytes, Formats::bytes));
        table.getColumns().add(number("Rows", 82, TableRow::liveRows, n -> String.format(Locale.ROOT, "%,d", n)));
        table.getColumns().add(number("Dead", 72, TableRow::deadRows, n -> String.format(Locale.ROOT, "%,d", n)));
        table.getColumns().add(number("Dead %", 78, TableRow::deadPercent, Formats::percent));
        table.getColumns().add(time("Vacuumed", TableRow::lastVacuum));
        table.getColumns().add(time("Analyzed", TableRow::lastAnalyze));
        TableColumn<TableRow, String> retention = new TableColumn<>("Retention");
        retention.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().retention()));
        retention.setPrefWidth(160);
        retention.setMinWidth(150);
        table.getColumns().add(retention);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getSortOrder().add(table.getColumns().get(1));
        table.getColumns().get(1).setSortType(TableColumn.SortType.DESCENDING);

        model.rows().comparatorProperty().bind(table.comparatorProperty());
        table.setItems(model.rows());
        table.setPlaceholder(new Label("No tables match"));
        table.getSelectionModel().selectedItemProperty().addListener((obs, old, row) -> {
            if (!restoring) {
                model.select(row);
            }
        });
        model.revision().addListener((obs, old, revision) -> restoreSelection());
    }

    /** Replacing the rows clears the table's selection; put it back on the same table (with its fresh figures). */
    private void restoreSelection() {
        TableRow wanted = model.selected().get();
        if (wanted == null || wanted.equals(table.getSelectionModel().getSelectedItem())) {
            return;
        }
        restoring = true;
        try {
            table.getSelectionModel().select(wanted);
        } finally {
            restoring = false;
        }
    }

    private static <T extends Comparable<T>> TableColumn<TableRow, T> number(String title, double width,
                                                                           Function<TableRow, T> value, Function<T, String> format) {
        TableColumn<TableRow, T> column = new TableColumn<>(title);
        column.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(value.apply(c.getValue())));
        column.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(T item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : format.apply(item));
                setAlignment(Pos.CENTER_RIGHT);
            }
        });
        column.setPrefWidth(width);
        column.setMinWidth(width);
        return column;
    }

    private static TableColumn<TableRow, Instant> time(String title, Function<TableRow, Instant> value) {
        TableColumn<TableRow, Instant> column = new TableColumn<>(title);
        column.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(value.apply(c.getValue())));
        column.setComparator(Comparator.nullsFirst(Comparator.naturalOrder()));
        column.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(Instant item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : item == null ? "never" : SHORT_TIME.format(item));
            }
        });
        column.setPrefWidth(100);
        column.setMinWidth(100);
        return column;
    }
}

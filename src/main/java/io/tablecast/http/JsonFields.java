package io.tablecast.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.tablecast.FieldError;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A JSON object body read field by field, with one meaning of null for every resource: a field
 * left out is not changed; {@code null} clears a field that can be cleared ({@link #clearable})
 * and is an error for any other; a value of the wrong type is an error. Errors collect in the
 * list given, named by field, for one 400 answer.
 */
public final class JsonFields {
  private final JsonNode body;
  private final List<FieldError> errors;

  /** {@code known}: the fields this body may have; any other is reported in {@code errors}. */
  public JsonFields(JsonNode body, Set<String> known, List<FieldError> errors) {
    this.body = body;
    this.errors = errors;
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        errors.add(new FieldError(name, "is not a field that can be changed"));
      }
    }
  }

  /** The body must be a JSON object; anything else is answered before its fields are read. */
  public static boolean isObject(JsonNode body) {
    return body.isObject();
  }

  /** The errors so far: the fields' own, and what the rules added ({@link #check}). */
  public List<FieldError> errors() {
    return errors;
  }

  /** Adds the errors a rule found in the fields read. */
  public void check(List<FieldError> ruleErrors) {
    errors.addAll(ruleErrors);
  }

  public boolean has(String field) {
    return body.has(field);
  }

  /** Sent, and sent as null: the field is to be cleared. */
  public boolean clearable(String field) {
    return body.has(field) && body.get(field).isNull();
  }

  /** A string; null when left out or cleared (an error if it is not {@code clearable}). */
  public String text(String field, boolean clearable) {
    JsonNode value = value(field, clearable);
    if (value == null) {
      return null;
    }
    if (!value.isTextual()) {
      errors.add(new FieldError(field, "must be a string"));
      return null;
    }
    return value.textValue();
  }

  /** A string that cannot be cleared. */
  public String text(String field) {
    return text(field, false);
  }

  public Boolean bool(String field) {
    JsonNode value = value(field, false);
    if (value == null) {
      return null;
    }
    if (!value.isBoolean()) {
      errors.add(new FieldError(field, "must be true or false"));
      return null;
    }
    return value.booleanValue();
  }

  /** A list of strings; a member that is not a string stays in the list as null, for the rules to refuse. */
  public List<String> strings(String field) {
    JsonNode value = value(field, false);
    if (value == null) {
      return null;
    }
    if (!value.isArray()) {
      errors.add(new FieldError(field, "must be a list of strings"));
      return null;
    }
    List<String> strings = new ArrayList<>();
    for (JsonNode member : value) {
      strings.add(member.isTextual() ? member.textValue() : null);
    }
    return strings;
  }

  /** An id; null when left out or cleared (an error if it is not {@code clearable}). */
  public UUID id(String field, boolean clearable) {
    JsonNode value = value(field, clearable);
    if (value == null) {
      return null;
    }
    Optional<UUID> id = value.isTextual() ? Ids.parse(value.textValue()) : Optional.empty();
    if (id.isEmpty()) {
      errors.add(new FieldError(field, "must be an id (UUID)" + (clearable ? " or null" : "")));
    }
    return id.orElse(null);
  }

  /** The field's value; null when left out or null (reporting a null that may not clear it). */
  private JsonNode value(String field, boolean clearable) {
    JsonNode value = body.get(field);
    if (value == null) {
      return null;
    }
    if (value.isNull()) {
      if (!clearable) {
        errors.add(new FieldError(field, "cannot be null"));
      }
      return null;
    }
    return value;
  }
}

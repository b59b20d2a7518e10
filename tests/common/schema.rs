//! A check of JSON values against the schemas of the OpenAPI document: the subset of JSON
//! Schema it uses (`$ref`, `type`, `nullable`, `required`, `properties`,
//! `additionalProperties: false`, `items`, `enum`, `minimum`, `maxItems`, `minItems`).

use serde_json::Value;

/// What in `value` does not fit `schema`, one line per mistake, with its JSON path.
pub fn mismatches(document: &Value, schema: &Value, value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    check(document, schema, value, "$", &mut found);
    found
}

fn check(document: &Value, schema: &Value, value: &Value, at: &str, found: &mut Vec<String>) {
    if let Some(reference) = schema["$ref"].as_str() {
        let mut target = document;
        for part in reference.trim_start_matches("#/").split('/') {
            target = &target[part];
        }
        assert!(!target.is_null(), "{reference} is not in the document");
        return check(document, target, value, at, found);
    }
    if value.is_null() {
        if schema["nullable"] != Value::Bool(true) && schema.get("type").is_some() {
            found.push(format!("{at}: null where the schema does not allow it"));
        }
        return;
    }
    let type_fits = match schema["type"].as_str() {
        None => true,
        Some("object") => value.is_object(),
        Some("array") => value.is_array(),
        Some("string") => value.is_string(),
        Some("integer") => value.is_u64() || value.is_i64(),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        Some(other) => panic!("type {other} is not checked"),
    };
    if !type_fits {
        found.push(format!("{at}: {value} is not of type {}", schema["type"]));
        return;
    }
    if let Some(choices) = schema["enum"].as_array()
        && !choices.contains(value)
    {
        found.push(format!("{at}: {value} is not one of {choices:?}"));
    }
    if let (Some(minimum), Some(number)) = (schema["minimum"].as_f64(), value.as_f64())
        && number < minimum
    {
        found.push(format!("{at}: {number} is less than {minimum}"));
    }
    if let Some(object) = value.as_object() {
        for name in schema["required"].as_array().into_iter().flatten() {
            let name = name.as_str().unwrap();
            if !object.contains_key(name) {
                found.push(format!("{at}: {name} is missing"));
            }
        }
        for (name, field) in object {
            match schema["properties"].get(name) {
                Some(property) => check(document, property, field, &format!("{at}.{name}"), found),
                None if schema["additionalProperties"] == Value::Bool(false) => {
                    found.push(format!("{at}: {name} is not in the schema"))
                }
                None => {}
            }
        }
    }
    if let Some(items) = value.as_array() {
        if let Some(most) = schema["maxItems"].as_u64()
            && items.len() as u64 > most
        {
            found.push(format!("{at}: more than {most} items"));
        }
        if let Some(least) = schema["minItems"].as_u64()
            && (items.len() as u64) < least
        {
            found.push(format!("{at}: fewer than {least} items"));
        }
        if let Some(item_schema) = schema.get("items") {
            for (index, item) in items.iter().enumerate() {
                check(
                    document,
                    item_schema,
                    item,
                    &format!("{at}[{index}]"),
                    found,
                );
            }
        }
    }
}
